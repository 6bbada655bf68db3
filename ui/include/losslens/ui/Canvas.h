#pragma once

#include <QImage>
#include <QPointF>
#include <QWidget>

namespace losslens {

// Shows one composed image with zoom (wheel about the cursor, keys, fit, 1:1) and pan
// (drag). Only the visible part of the image is scaled, smoothly when zoomed out and
// nearest-neighbour when zoomed in so single pixels stay visible. Two canvases can be
// kept in step through viewChanged/setView for side-by-side comparison.
class Canvas : public QWidget {
    Q_OBJECT
public:
    explicit Canvas(QWidget* parent = nullptr);

    void setImage(const QImage& image, bool keepView);
    [[nodiscard]] const QImage& image() const { return m_image; }
    [[nodiscard]] double zoom() const { return m_zoom; }
    [[nodiscard]] QPointF offset() const { return m_offset; }
    // Widget position -> image pixel (may lie outside the image).
    [[nodiscard]] QPointF toImage(const QPointF& widgetPos) const;
    void setMessage(const QString& message);
    // A short label drawn in the top-left corner (which variant this canvas shows).
    void setCaption(const QString& caption);

public slots:
    void zoomIn();
    void zoomOut();
    void fitToWindow();
    void actualSize();
    void setView(double zoom, QPointF offset);

signals:
    void hoveredPixel(int x, int y); // -1, -1 when outside the image
    void viewChanged(double zoom, QPointF offset);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void zoomAbout(double factor, const QPointF& anchor);
    void changed();

    QImage m_image;
    QString m_message;
    QString m_caption;
    double m_zoom = 1.0;
    QPointF m_offset; // widget position of the image's top-left corner
    bool m_fit = true;
    bool m_dragging = false;
    QPointF m_dragStart;
    QPointF m_offsetStart;
};

} // namespace losslens
