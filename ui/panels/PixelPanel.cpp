#include "panels/PixelPanel.h"

#include "render/PixelInfo.h"
#include "session/VersusSample.h"
#include "view/SampleView.h"

#include <QFontDatabase>

namespace losslens {

PixelPanel::PixelPanel(SampleView* view, QWidget* parent)
    : QLabel(parent)
    , m_view(view) {
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setAlignment(Qt::AlignTop | Qt::AlignLeft);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setMargin(6);
    setToolTip(tr("Values under the cursor: classes, probabilities, w0 and each variant's loss"));
    setText(formatPixelInfo(PixelInfo{}, {}));
    connect(view, &SampleView::hoveredPixel, this, &PixelPanel::showPixel);
    connect(view, &SampleView::sampleShown, this, &PixelPanel::refresh);
    connect(view, &SampleView::settingsChanged, this, &PixelPanel::refresh);
}

void PixelPanel::refresh() {
    if (m_x >= 0)
        showPixel(m_x, m_y);
}

void PixelPanel::showPixel(int x, int y) {
    m_x = x;
    m_y = y;
    const SampleDataPtr current = m_view->current();
    if (!current || x < 0) {
        setText(formatPixelInfo(PixelInfo{}, {}));
        emit statusText(QString());
        return;
    }
    const PixelInfo info = pixelInfo(*current, x, y);
    // In a run difference, the compared run's same pixel (when its sample is loaded).
    PixelInfo otherInfo;
    OtherRunPixel other;
    if (m_view->showsRunDifference()) {
        otherInfo = pixelInfo(*m_view->versusSample()->current(), x, y);
        other = {&otherInfo, m_view->versusSample()->run()};
    }
    setText(formatPixelInfo(info, current->sample.classes, m_view->settings(), other));
    if (const QString status = formatStatusLine(info, m_view->settings(), other); !status.isEmpty())
        emit statusText(status);
}

} // namespace losslens
