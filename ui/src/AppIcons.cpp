#include "losslens/ui/AppIcons.h"

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

} // namespace losslens
