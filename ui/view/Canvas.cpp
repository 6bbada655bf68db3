#include "view/Canvas.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace losslens {

namespace {
constexpr double kMinZoom = 1.0 / 64.0;
constexpr double kMaxZoom = 64.0;
} // namespace

Canvas::Canvas(QWidget* parent)
    : QWidget(parent) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(200, 200);
    setAttribute(Qt::WA_OpaquePaintEvent);
    // Not a status tip: the status bar shows the pixel readout while the cursor is here.
    setWhatsThis(
        tr("Wheel: zoom about the cursor. Drag: pan. Keys: + / - zoom, F fit, 1 actual size."));
}

void Canvas::setContent(QSize imageSize, RenderFunction render, bool keepView) {
    const bool sizeChanged = imageSize != m_imageSize;
    m_imageSize = imageSize;
    m_render = std::move(render);
    m_message.clear();
    if (!keepView || sizeChanged) {
        if (m_fit || sizeChanged)
            fitToWindow();
    }
    update();
}

void Canvas::refresh() {
    update();
}

namespace {
// The widget rectangle (whole logical pixels) the image covers.
QRect visibleRect(const QRect& widget, QPointF offset, double zoom, QSize image) {
    const QRectF target(offset, QSizeF(image.width() * zoom, image.height() * zoom));
    return target.intersected(QRectF(widget)).toAlignedRect() & widget;
}
} // namespace

Viewport Canvas::viewport() const {
    if (m_imageSize.isEmpty())
        return {};
    const QRect visible = visibleRect(rect(), m_offset, m_zoom, m_imageSize);
    if (visible.isEmpty())
        return {};
    const double dpr = devicePixelRatioF();
    Viewport v;
    v.output = QSize(static_cast<int>(std::lround(visible.width() * dpr)),
                     static_cast<int>(std::lround(visible.height() * dpr)));
    v.x0 = (visible.left() - m_offset.x()) / m_zoom;
    v.y0 = (visible.top() - m_offset.y()) / m_zoom;
    v.step = 1.0 / (m_zoom * dpr);
    return v;
}

QImage Canvas::image() const {
    const Viewport v = viewport();
    if (!m_render || v.isEmpty() || !m_message.isEmpty())
        return {};
    return m_render(v);
}

void Canvas::setMessage(const QString& message) {
    m_message = message;
    update();
}

void Canvas::setCaption(const QString& caption) {
    m_caption = caption;
    update();
}

QPointF Canvas::toImage(const QPointF& widgetPos) const {
    return (widgetPos - m_offset) / m_zoom;
}

void Canvas::setHighlight(const QPainterPath& imagePath, const QColor& color, bool dashed) {
    m_highlight = imagePath;
    m_highlightColor = color;
    m_highlightDashed = dashed;
    update();
}

void Canvas::focusOn(const QRectF& area) {
    if (area.isEmpty() || width() <= 0 || height() <= 0)
        return;
    const double zoom =
        std::min({width() / (area.width() * 3.0), height() / (area.height() * 3.0), 16.0});
    m_fit = false;
    m_zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    m_offset = QPointF(width() / 2.0, height() / 2.0) - area.center() * m_zoom;
    changed(); // the side-by-side canvas follows
}

void Canvas::zoomIn() {
    zoomAbout(1.25, QPointF(width() / 2.0, height() / 2.0));
}
void Canvas::zoomOut() {
    zoomAbout(0.8, QPointF(width() / 2.0, height() / 2.0));
}

void Canvas::fitToWindow() {
    m_fit = true;
    if (m_imageSize.isEmpty()) {
        update();
        return;
    }
    const double sx = width() / static_cast<double>(m_imageSize.width());
    const double sy = height() / static_cast<double>(m_imageSize.height());
    m_zoom = std::clamp(std::min(sx, sy), kMinZoom, kMaxZoom);
    m_offset = QPointF((width() - m_imageSize.width() * m_zoom) / 2.0,
                       (height() - m_imageSize.height() * m_zoom) / 2.0);
    changed();
}

void Canvas::actualSize() {
    m_fit = false;
    const QPointF centre(width() / 2.0, height() / 2.0);
    const QPointF anchor = toImage(centre);
    m_zoom = 1.0;
    m_offset = centre - anchor * m_zoom;
    changed();
}

void Canvas::setView(double zoom, QPointF offset, bool fit) {
    // The partner's fit carries over: both canvases refit when the window resizes.
    m_fit = fit;
    if (std::abs(zoom - m_zoom) < 1e-12 && offset == m_offset)
        return;
    m_zoom = std::clamp(zoom, kMinZoom, kMaxZoom);
    m_offset = offset;
    update(); // no viewChanged: this is the echo of another canvas
}

void Canvas::zoomAbout(double factor, const QPointF& anchor) {
    m_fit = false;
    const QPointF imagePoint = toImage(anchor);
    m_zoom = std::clamp(m_zoom * factor, kMinZoom, kMaxZoom);
    m_offset = anchor - imagePoint * m_zoom;
    changed();
}

void Canvas::changed() {
    update();
    emit viewChanged(m_zoom, m_offset, m_fit);
}

void Canvas::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::Dark));
    if (!m_message.isEmpty() || !m_render || m_imageSize.isEmpty()) {
        painter.setPen(palette().color(QPalette::BrightText));
        painter.drawText(rect().adjusted(20, 20, -20, -20), Qt::AlignCenter | Qt::TextWordWrap,
                         m_message.isEmpty() ? tr("No sample") : m_message);
        return;
    }
    // Only the part of the image inside the widget is rendered, at device resolution.
    const Viewport v = viewport();
    if (v.isEmpty())
        return;
    QImage shown = m_render(v);
    shown.setDevicePixelRatio(devicePixelRatioF());
    painter.drawImage(visibleRect(rect(), m_offset, m_zoom, m_imageSize).topLeft(), shown);
    if (!m_highlight.isEmpty()) {
        // Two strokes, light under dark dashes, so the outline reads over any colour.
        painter.save();
        painter.setRenderHint(QPainter::Antialiasing);
        painter.translate(m_offset);
        painter.scale(m_zoom, m_zoom);
        QPen under(QColor(255, 255, 255, 230), 3.0);
        under.setCosmetic(true);
        painter.setPen(under);
        painter.setBrush(Qt::NoBrush);
        painter.drawPath(m_highlight);
        QPen over(m_highlightColor, m_highlightDashed ? 1.5 : 2.0,
                  m_highlightDashed ? Qt::DashLine : Qt::SolidLine);
        over.setCosmetic(true);
        painter.setPen(over);
        painter.drawPath(m_highlight);
        painter.restore();
    }
    if (!m_caption.isEmpty()) {
        const QRect box = painter.fontMetrics().boundingRect(m_caption).adjusted(-6, -3, 6, 3);
        const QRect placed = box.translated(8 - box.left(), 8 - box.top());
        painter.fillRect(placed, QColor(0, 0, 0, 160));
        painter.setPen(Qt::white);
        painter.drawText(placed, Qt::AlignCenter, m_caption);
    }
}

void Canvas::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0.0)
        zoomAbout(std::pow(1.25, steps), event->position());
    event->accept();
}

void Canvas::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
    case Qt::Key_Up:
    case Qt::Key_Left:
        emit stepRequested(-1);
        return;
    case Qt::Key_Down:
    case Qt::Key_Right:
        emit stepRequested(1);
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

void Canvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        m_dragging = true;
        m_dragStart = event->position();
        m_offsetStart = m_offset;
        setCursor(Qt::ClosedHandCursor);
    }
}

void Canvas::mouseMoveEvent(QMouseEvent* event) {
    if (m_dragging) {
        m_fit = false;
        m_offset = m_offsetStart + (event->position() - m_dragStart);
        changed();
    }
    const QPointF p = toImage(event->position());
    const int x = static_cast<int>(std::floor(p.x()));
    const int y = static_cast<int>(std::floor(p.y()));
    if (!m_imageSize.isEmpty() && x >= 0 && y >= 0 && x < m_imageSize.width() &&
        y < m_imageSize.height())
        emit hoveredPixel(x, y);
    else
        emit hoveredPixel(-1, -1);
}

void Canvas::mouseReleaseEvent(QMouseEvent*) {
    m_dragging = false;
    unsetCursor();
}

void Canvas::leaveEvent(QEvent*) {
    emit hoveredPixel(-1, -1);
}

void Canvas::resizeEvent(QResizeEvent*) {
    if (m_fit)
        fitToWindow();
}

} // namespace losslens
