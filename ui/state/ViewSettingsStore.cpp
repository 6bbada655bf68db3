#include "state/ViewSettingsStore.h"
#include "state/VariantStyle.h"

#include "losslens/loss/LossVariant.h"

#include <QCryptographicHash>
#include <QDir>
#include <QMetaEnum>

#include <algorithm>

namespace losslens {

namespace {
const QString kRecent = QStringLiteral("recentFolders");

// A set's key: a hash of its absolute path (a path's slashes would nest groups).
QString reviewKey(const QString& setPath) {
    const QString absolute = QDir::cleanPath(QDir(setPath).absolutePath());
    return QStringLiteral("reviewDatabases/") +
           QString::fromLatin1(
               QCryptographicHash::hash(absolute.toUtf8(), QCryptographicHash::Sha1).toHex());
}

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
    // Stored as the enum's value: 0 filled, 1 outline, 2 stripes.
    const auto style = [&](const QString& key, ClassStyle fallback) {
        const int v = s.value(key, static_cast<int>(fallback)).toInt();
        return v >= 0 && v <= 2 ? static_cast<ClassStyle>(v) : fallback;
    };
    view.groundTruthStyle = style(QStringLiteral("gtStyle"), view.groundTruthStyle);
    view.predictionStyle = style(QStringLiteral("predStyle"), view.predictionStyle);
    view.removedStyle = s.value(QStringLiteral("removedStyle"), 1).toInt() == 0
                            ? MarkStyle::Outline
                            : MarkStyle::Hatched;
    view.dimImage = s.value(QStringLiteral("dimImage"), view.dimImage).toBool();
    view.colormap =
        colormapFromName(
            s.value(QStringLiteral("colormap"), QStringLiteral("viridis")).toString().toStdString())
            .value_or(Colormap::Viridis);
    view.heatmap = HeatmapSource::variant(
        findVariant(
            s.value(QStringLiteral("variant"), QStringLiteral("standard")).toString().toStdString())
            .value_or(0));
    // Stored by name, so a reordered enum or an older file never picks the wrong mode.
    const QMetaEnum modes = QMetaEnum::fromType<RangeMode>();
    bool known = false;
    const int mode = modes.keyToValue(
        s.value(QStringLiteral("rangeMode")).toString().toLatin1().constData(), &known);
    if (known)
        view.rangeMode = static_cast<RangeMode>(mode);
    view.logScale = s.value(QStringLiteral("logScale"), view.logScale).toBool();
    view.fixedRange = {s.value(QStringLiteral("rangeLo"), 0.0).toFloat(),
                       s.value(QStringLiteral("rangeHi"), 1.0).toFloat()};
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
    s.setValue(QStringLiteral("gtStyle"), static_cast<int>(view.groundTruthStyle));
    s.setValue(QStringLiteral("predStyle"), static_cast<int>(view.predictionStyle));
    s.setValue(QStringLiteral("removedStyle"), view.removedStyle == MarkStyle::Outline ? 0 : 1);
    s.setValue(QStringLiteral("dimImage"), view.dimImage);
    s.setValue(QStringLiteral("colormap"), toQString(colormapName(view.colormap)));
    s.setValue(QStringLiteral("variant"),
               toQString(lossVariants()[std::min(view.heatmap.a, lossVariants().size() - 1)].name));
    s.setValue(QStringLiteral("rangeMode"),
               QString::fromLatin1(
                   QMetaEnum::fromType<RangeMode>().valueToKey(static_cast<int>(view.rangeMode))));
    s.setValue(QStringLiteral("logScale"), view.logScale);
    s.setValue(QStringLiteral("rangeLo"), static_cast<double>(view.fixedRange.lo));
    s.setValue(QStringLiteral("rangeHi"), static_cast<double>(view.fixedRange.hi));
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

QString chosenReviewDatabase(const QSettings& settings, const QString& setPath) {
    return setPath.isEmpty() ? QString() : settings.value(reviewKey(setPath)).toString();
}

void chooseReviewDatabase(QSettings& settings, const QString& setPath, const QString& database) {
    if (database.isEmpty())
        settings.remove(reviewKey(setPath));
    else
        settings.setValue(reviewKey(setPath), database);
}

} // namespace losslens
