#include "losslens/ui/ViewSettingsStore.h"
#include "losslens/ui/VariantStyle.h"

#include "losslens/loss/LossVariant.h"

#include <algorithm>

namespace losslens {

namespace {
const QString kRecent = QStringLiteral("recentFolders");

} // namespace

ViewSettings loadViewSettings(QSettings& s, ViewSettings view) {
    s.beginGroup(QStringLiteral("view"));
    for (std::size_t i = 0; i < kLayerCount; ++i) {
        const QString key = QStringLiteral("layer%1").arg(i);
        view.layers[i].visible =
            s.value(key + QStringLiteral("/visible"), view.layers[i].visible).toBool();
        view.layers[i].opacity = std::clamp(
            s.value(key + QStringLiteral("/opacity"), static_cast<double>(view.layers[i].opacity))
                .toFloat(),
            0.0f, 1.0f);
    }
    view.groundTruthStyle = s.value(QStringLiteral("gtStyle"), 1).toInt() == 0
                                ? ClassStyle::Filled
                                : ClassStyle::Outline;
    view.predictionStyle = s.value(QStringLiteral("predStyle"), 0).toInt() == 0
                               ? ClassStyle::Filled
                               : ClassStyle::Outline;
    view.colormap =
        colormapFromName(
            s.value(QStringLiteral("colormap"), QStringLiteral("viridis")).toString().toStdString())
            .value_or(Colormap::Viridis);
    view.variant =
        findVariant(
            s.value(QStringLiteral("variant"), QStringLiteral("standard")).toString().toStdString())
            .value_or(0);
    view.autoRange = s.value(QStringLiteral("autoRange"), true).toBool();
    view.rangeLo = s.value(QStringLiteral("rangeLo"), 0.0).toFloat();
    view.rangeHi = s.value(QStringLiteral("rangeHi"), 1.0).toFloat();
    s.endGroup();
    return view;
}

void saveViewSettings(QSettings& s, const ViewSettings& view) {
    s.beginGroup(QStringLiteral("view"));
    for (std::size_t i = 0; i < kLayerCount; ++i) {
        const QString key = QStringLiteral("layer%1").arg(i);
        s.setValue(key + QStringLiteral("/visible"), view.layers[i].visible);
        s.setValue(key + QStringLiteral("/opacity"), static_cast<double>(view.layers[i].opacity));
    }
    s.setValue(QStringLiteral("gtStyle"), view.groundTruthStyle == ClassStyle::Filled ? 0 : 1);
    s.setValue(QStringLiteral("predStyle"), view.predictionStyle == ClassStyle::Filled ? 0 : 1);
    s.setValue(QStringLiteral("colormap"), toQString(colormapName(view.colormap)));
    s.setValue(QStringLiteral("variant"),
               toQString(lossVariants()[std::min(view.variant, lossVariants().size() - 1)].name));
    s.setValue(QStringLiteral("autoRange"), view.autoRange);
    s.setValue(QStringLiteral("rangeLo"), static_cast<double>(view.rangeLo));
    s.setValue(QStringLiteral("rangeHi"), static_cast<double>(view.rangeHi));
    s.endGroup();
}

QStringList recentFolders(const QSettings& settings) {
    return settings.value(kRecent).toStringList();
}

void rememberFolder(QSettings& settings, const QString& path, int limit) {
    QStringList recent = recentFolders(settings);
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > limit)
        recent.removeLast();
    settings.setValue(kRecent, recent);
}

} // namespace losslens
