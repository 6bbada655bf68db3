#include "view/FlowLayout.h"

#include <QWidget>

#include <algorithm>

namespace losslens {

FlowLayout::FlowLayout(QWidget* parent, int spacing)
    : QLayout(parent)
    , m_spacing(spacing) {}

FlowLayout::~FlowLayout() {
    while (QLayoutItem* item = takeAt(0))
        delete item;
}

void FlowLayout::addItem(QLayoutItem* item) {
    m_items.append(item);
}

QLayoutItem* FlowLayout::itemAt(int index) const {
    return index >= 0 && index < m_items.size() ? m_items.at(index) : nullptr;
}

QLayoutItem* FlowLayout::takeAt(int index) {
    return index >= 0 && index < m_items.size() ? m_items.takeAt(index) : nullptr;
}

int FlowLayout::heightForWidth(int width) const {
    return doLayout(QRect(0, 0, width, 0), false);
}

QSize FlowLayout::minimumSize() const {
    QSize size;
    for (const QLayoutItem* item : m_items)
        if (!item->isEmpty())
            size = size.expandedTo(item->minimumSize());
    const QMargins m = contentsMargins();
    return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

QSize FlowLayout::sizeHint() const {
    // One row when there is room for it.
    int width = 0;
    int height = 0;
    for (const QLayoutItem* item : m_items) {
        if (item->isEmpty())
            continue;
        const QSize hint = item->sizeHint();
        width += hint.width() + (width > 0 ? m_spacing : 0);
        height = std::max(height, hint.height());
    }
    const QMargins m = contentsMargins();
    return {width + m.left() + m.right(), height + m.top() + m.bottom()};
}

void FlowLayout::setGeometry(const QRect& rect) {
    QLayout::setGeometry(rect);
    doLayout(rect, true);
}

int FlowLayout::doLayout(const QRect& rect, bool apply) const {
    const QMargins m = contentsMargins();
    const QRect area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom());
    int x = area.x();
    int y = area.y();
    int rowHeight = 0;
    // Items of a row are centred vertically on the row, so boxes and labels line up.
    QList<QPair<QLayoutItem*, QRect>> row;
    const auto flush = [&] {
        if (apply)
            for (auto& [item, r] : row)
                item->setGeometry(
                    QRect(r.x(), r.y() + (rowHeight - r.height()) / 2, r.width(), r.height()));
        row.clear();
    };
    for (QLayoutItem* item : m_items) {
        if (item->isEmpty())
            continue;
        const QSize hint = item->sizeHint();
        const int width = std::min(hint.width(), area.width());
        // An item that wraps itself (a nested flow) is as tall as it needs at that width.
        const int height = item->hasHeightForWidth() ? item->heightForWidth(width) : hint.height();
        if (x > area.x() && x + width > area.right() + 1) {
            flush();
            x = area.x();
            y += rowHeight + m_spacing / 2;
            rowHeight = 0;
        }
        row.append({item, QRect(QPoint(x, y), QSize(width, height))});
        x += width + m_spacing;
        rowHeight = std::max(rowHeight, height);
    }
    flush();
    return y + rowHeight - rect.y() + m.bottom();
}

} // namespace losslens
