#pragma once

#include <QLabel>

namespace losslens {

class SampleView;

// The Pixel dock: the values under the cursor (classes, probabilities, w0, each variant's
// loss) of the sample the view shows, and a one-line summary for the status bar. It follows
// the view's cursor and sample itself.
class PixelPanel : public QLabel {
    Q_OBJECT
public:
    explicit PixelPanel(SampleView* view, QWidget* parent = nullptr);

    // Shows the pixel (x, y) of the current sample; x < 0: none.
    void showPixel(int x, int y);
    // The last pixel shown again (the sample under it changed).
    void refresh();

signals:
    void statusText(const QString& text);

private:
    SampleView* m_view;
    int m_x = -1;
    int m_y = -1;
};

} // namespace losslens
