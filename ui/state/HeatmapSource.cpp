#include "state/HeatmapSource.h"
#include "state/VariantStyle.h"

#include <QCoreApplication>

#include <algorithm>

namespace losslens {

namespace {
QString tr(const char* text) {
    return QCoreApplication::translate("HeatmapSource", text);
}
} // namespace

HeatmapSource clampedSource(HeatmapSource source, std::size_t variants) {
    if (variants == 0)
        return source;
    source.a = std::min(source.a, variants - 1);
    source.b = std::min(source.b, variants - 1);
    return source;
}

const ColormapLut& sourceLut(const HeatmapSource& source, Colormap colormap) {
    return source.diverging() ? divergingLut() : colormapLut(colormap);
}

QString sourceColormapName(const HeatmapSource& source, Colormap colormap) {
    return source.diverging() ? QStringLiteral("blue-white-red")
                              : toQString(colormapName(colormap));
}

QString sourceLabel(const HeatmapSource& source, const QString& run, const QString& versusRun) {
    switch (source.kind) {
    case HeatmapSource::Kind::Variant:
        return run.isEmpty() ? variantLabel(source.a)
                             : tr("run %1: %2").arg(run, variantLabel(source.a));
    case HeatmapSource::Kind::Difference: {
        const QString d = tr("%1 − %2").arg(variantLabel(source.a), variantLabel(source.b));
        return run.isEmpty() ? d : tr("run %1: %2").arg(run, d);
    }
    case HeatmapSource::Kind::RunDifference:
        return tr("run %1 − run %2: %3")
            .arg(run.isEmpty() ? tr("this") : run, versusRun.isEmpty() ? tr("vs") : versusRun,
                 variantLabel(source.a));
    }
    return {};
}

std::string sourceKey(const HeatmapSource& source) {
    const auto name = [](std::size_t v) { return variantName(v).toStdString(); };
    switch (source.kind) {
    case HeatmapSource::Kind::Variant:
        return name(source.a);
    case HeatmapSource::Kind::Difference:
        return name(source.a) + "-minus-" + name(source.b);
    case HeatmapSource::Kind::RunDifference:
        return name(source.a) + "-run-difference";
    }
    return {};
}

SideSource sideSource(const HeatmapSource& main, bool haveVersusRun) {
    switch (main.kind) {
    case HeatmapSource::Kind::Variant:
        return haveVersusRun ? SideSource{main, true}
                             : SideSource{HeatmapSource::variant(partnerVariant(main.a)), false};
    case HeatmapSource::Kind::Difference:
        return haveVersusRun ? SideSource{main, true}
                             : SideSource{HeatmapSource::variant(main.a), false};
    case HeatmapSource::Kind::RunDifference:
        return {HeatmapSource::variant(main.a), true};
    }
    return {main, false};
}

} // namespace losslens
