#include "render/AppIcons.h"

#include <QPainter>
#include <QPixmap>

// Resources in a static library are registered by hand (the linker may drop the object
// that would do it); Q_INIT_RESOURCE must be called outside any namespace.
static void initLossLensResources() {
    Q_INIT_RESOURCE(losslens);
}

namespace losslens {

namespace {
void ensureResources() {
    static const bool done = [] {
        initLossLensResources();
        return true;
    }();
    (void)done;
}
} // namespace

QIcon appIcon() {
    ensureResources();
    QIcon icon;
    for (const int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addFile(QStringLiteral(":/icons/hicolor/%1x%1/apps/losslens.png").arg(size),
                     QSize(size, size));
    return icon;
}

QIcon toolbarIcon(const QString& name, const QString& themeName) {
    ensureResources();
    return QIcon::fromTheme(themeName, QIcon(QStringLiteral(":/icons/toolbar/%1.png").arg(name)));
}

QIcon missingSourceTag(QChar letter, bool filled) {
    QIcon icon;
    for (const int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        const QRectF box(size * 0.06, size * 0.06, size * 0.88, size * 0.88);
        const QColor blue(41, 98, 166);
        const QColor grey(120, 120, 120);
        painter.setPen(QPen(filled ? blue : grey, size / 12.0));
        // The outlined tag gets a light fill so it stays visible on a selected row.
        painter.setBrush(filled ? QBrush(blue) : QBrush(QColor(238, 238, 238)));
        painter.drawRoundedRect(box, size * 0.18, size * 0.18);
        QFont font = painter.font();
        font.setBold(true);
        font.setPixelSize(static_cast<int>(size * 0.68));
        painter.setFont(font);
        painter.setPen(filled ? QColor(Qt::white) : grey);
        painter.drawText(box, Qt::AlignCenter, QString(letter));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace losslens
