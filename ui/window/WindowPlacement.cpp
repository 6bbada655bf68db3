#include "window/WindowPlacement.h"

#include <algorithm>

namespace losslens {

QRect windowGeometryWithin(const QRect& wanted, const QRect& available, QSize frame) {
    // The frame (title bar, borders) counts against the screen too.
    const QSize room = (available.size() - frame).expandedTo(QSize(1, 1));
    QRect fitted(wanted.topLeft(), wanted.size().boundedTo(room));
    const QRect inner = available.adjusted(0, 0, -frame.width(), -frame.height());
    if (!inner.contains(fitted)) {
        fitted.moveLeft(std::clamp(fitted.left(), inner.left(),
                                   std::max(inner.left(), inner.right() - fitted.width() + 1)));
        fitted.moveTop(std::clamp(fitted.top(), inner.top(),
                                  std::max(inner.top(), inner.bottom() - fitted.height() + 1)));
    }
    return fitted;
}

QRect windowPlacement(const std::optional<QRect>& restored, const QRect& available) {
    QRect wanted;
    if (restored) {
        wanted = *restored;
    } else {
        const QSize size = QSize(1800, 1100).boundedTo(available.size() * 0.92);
        wanted = QRect(QPoint(), size);
        wanted.moveCenter(available.center());
    }
    return windowGeometryWithin(wanted, available, QSize(8, 32));
}

} // namespace losslens
