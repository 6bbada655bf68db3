#pragma once

#include "state/Viewport.h"

#include <QColor>
#include <QImage>
#include <QPainterPath>
#include <QPointF>
#include <QWidget>

#include <functional>

namespace losslens {

// Shows an image with zoom (wheel about the cursor, keys, fit, 1:1) and pan (drag). The
// canvas never holds the image itself: at each paint it asks its render function for the
// visible part at screen resolution (a Viewport), so a change of view or of what is drawn
// costs the screen's pixels, not the sample's. Two canvases can be kept in step through
// viewChanged/setView for side-by-side comparison.
class Canvas : public QWidget {
    Q_OBJECT
public:
    using RenderFunction = std::function<QImage(const Viewport&)>;

    explicit Canvas(QWidget* parent = nullptr);

    // What to show: an image of this size, drawn by `render`; keepView keeps zoom and pan
    // when the size is unchanged. refresh() repaints after what `render` draws changed.
    void setContent(QSize imageSize, RenderFunction render, bool keepView);
    void refresh();
    [[nodiscard]] QSize imageSize() const { return m_imageSize; }
    // The visible part of the image at device resolution, as the next paint asks for it.
    [[nodiscard]] Viewport viewport() const;
    // What the canvas shows now (renders the current viewport; null when there is none).
    [[nodiscard]] QImage image() const;
    [[nodiscard]] double zoom() const { return m_zoom; }
    // Whether the view follows the widget: fitted to the window until zoomed or panned.
    [[nodiscard]] bool isFit() const { return m_fit; }
    [[nodiscard]] QPointF offset() const { return m_offset; }
    // Widget position -> image pixel (may lie outside the image).
    [[nodiscard]] QPointF toImage(const QPointF& widgetPos) const;
    void setMessage(const QString& message);
    [[nodiscard]] const QString& message() const { return m_message; }
    // An outline drawn over the image (in image pixels; a candidate's), above everything the
    // render function draws; an empty path removes it.
    // An outline over the image (a candidate's mask), dashed in `color`, or solid for one a
    // reviewer decided on (ReviewStyle's colours).
    void setHighlight(const QPainterPath& imagePath, const QColor& color = QColor(220, 20, 60),
                      bool dashed = true);
    [[nodiscard]] const QPainterPath& highlight() const { return m_highlight; }
    // Zooms and pans so the image rectangle `area` sits in the middle with room around it
    // (about a third of the view), no closer than 16 screen pixels per image pixel.
    void focusOn(const QRectF& area);
    // A short label drawn in the top-left corner (which variant this canvas shows).
    void setCaption(const QString& caption);
    [[nodiscard]] const QString& caption() const { return m_caption; }

public slots:
    void zoomIn();
    void zoomOut();
    void fitToWindow();
    void actualSize();
    void setView(double zoom, QPointF offset, bool fit = false);

signals:
    void hoveredPixel(int x, int y); // -1, -1 when outside the image
    void viewChanged(double zoom, QPointF offset, bool fit);
    // Arrow keys on the canvas: -1 previous sample (Up, Left), +1 next (Down, Right).
    void stepRequested(int delta);

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void zoomAbout(double factor, const QPointF& anchor);
    void changed();

    QSize m_imageSize;
    RenderFunction m_render;
    QString m_message;
    QString m_caption;
    QPainterPath m_highlight;
    QColor m_highlightColor;
    bool m_highlightDashed = true;
    double m_zoom = 1.0;
    QPointF m_offset; // widget position of the image's top-left corner
    bool m_fit = true;
    bool m_dragging = false;
    QPointF m_dragStart;
    QPointF m_offsetStart;
};

} // namespace losslens
