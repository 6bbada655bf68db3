#include "window/ExportController.h"
#include "session/ThreadPool.h"
#include "window/ExportPrompts.h"

#include "losslens/io/FileBytes.h"
#include "losslens/report/Exporter.h"
#include "losslens/set/SetProcessor.h"
#include "render/HeatmapRange.h"
#include "view/Canvas.h"
#include "view/SampleView.h"

#include <QBuffer>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageBox>

#include <algorithm>
#include <filesystem>

namespace losslens {

namespace fs = std::filesystem;

namespace {

bool sameScale(const HeatmapScale& a, const HeatmapScale& b) {
    return a.colormap == b.colormap && a.log == b.log && a.range.lo == b.range.lo &&
           a.range.hi == b.range.hi;
}

QJsonObject scaleJson(const HeatmapScale& scale, const std::string& legend) {
    QJsonObject o;
    o[QStringLiteral("range")] =
        QJsonArray{static_cast<double>(scale.range.lo), static_cast<double>(scale.range.hi)};
    o[QStringLiteral("colormap")] = QString::fromStdString(scale.colormap);
    o[QStringLiteral("scale")] = scale.log ? QStringLiteral("log") : QStringLiteral("linear");
    o[QStringLiteral("legend")] = QString::fromStdString(legend);
    return o;
}

} // namespace

ExportController::ExportController(SampleView* view, QWidget* parent)
    : QObject(parent)
    , m_view(view)
    , m_parent(parent) {
    connect(&m_current, &QFutureWatcher<CurrentResult>::finished, this, [this] {
        const CurrentResult result = m_current.result();
        if (!result.error.isEmpty()) {
            emit message(tr("Export of %1 failed: %2").arg(m_currentStem, result.error));
            // Window-modal but not blocking, like every message of the window's background work.
            auto* box = new QMessageBox(QMessageBox::Warning, tr("Export failed"), result.error,
                                        QMessageBox::Ok, m_parent);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
            return;
        }
        emit message(tr("Wrote %1 files for %2 to %3")
                         .arg(result.written)
                         .arg(m_currentStem, m_currentFolder));
    });
}

ExportController::~ExportController() {
    pool::wait(m_current.future());
}

CurrentExport ExportController::currentExportOf(const SampleView& view) {
    CurrentExport spec;
    const ViewSettings& s = view.settings();
    const HeatmapSource shown = view.shownSource();
    // Every variant's file over the range the window draws a single variant with.
    const HeatmapSource variant = HeatmapSource::variant(shown.a);
    spec.colormap = s.colormap;
    spec.variants.range = view.rangeOf(variant);
    spec.variants.colormap = sourceColormapName(variant, s.colormap).toStdString();
    spec.variants.log = usesLogScale(variant, s);
    spec.composite.range = view.currentRange();
    spec.composite.colormap = sourceColormapName(shown, s.colormap).toStdString();
    spec.composite.log = usesLogScale(shown, s);
    spec.shows = view.canvas()->caption().toStdString();
    spec.showsKey = sourceKey(shown);
    return spec;
}

CurrentExportNames ExportController::currentExportNames(const std::string& stem,
                                                        const CurrentExport& spec) {
    CurrentExportNames names;
    names.composite = stem + ".composite.png";
    names.legend = stem + ".legend.png";
    names.compositeLegend =
        sameScale(spec.variants, spec.composite) ? names.legend : stem + ".composite-legend.png";
    names.json = stem + ".export.json";
    return names;
}

std::vector<std::string> ExportController::currentFileNames(const std::string& stem,
                                                            const CurrentExport& spec) {
    std::vector<std::string> files;
    for (const fs::path& file : exportFileNames({}, stem, ExportOptions{}))
        files.push_back(file.filename().string());
    const CurrentExportNames names = currentExportNames(stem, spec);
    files.push_back(names.composite);
    files.push_back(names.legend);
    if (names.compositeLegend != names.legend)
        files.push_back(names.compositeLegend);
    files.push_back(names.json);
    return files;
}

int ExportController::exportCurrent(const QString& folder, const SampleData& data,
                                    const QImage& composite, const CurrentExport& spec,
                                    bool overwrite) {
    ExportOptions options;
    options.outDir = folder.toStdString();
    options.colormap = spec.colormap;
    options.logScale = spec.variants.log;
    options.overwrite = overwrite;
    std::error_code ec;
    fs::create_directories(options.outDir, ec);
    const std::string& name = data.stem;
    const CurrentExportNames names = currentExportNames(name, spec);
    const ValueRange range = spec.variants.range;
    // A big sample keeps no map: its variants are scored one at a time as they are written.
    int written = static_cast<int>(
        data.keepsMaps()
            ? exportSample(name, data.sample, data.loss, data.sample.ignoreIndex, range, options)
            : exportSample(name, data.sample, data.config, range, options));
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    composite.convertToFormat(QImage::Format_RGB32).save(&buffer, "PNG");
    const auto bytes = [](const QByteArray& b) {
        return std::string_view(b.constData(), static_cast<std::size_t>(b.size()));
    };
    writeFileAtomically(options.outDir / names.composite, bytes(png), overwrite);
    writeFileAtomically(options.outDir / names.legend,
                        encodeLegendPng(spec.variants, "loss of each variant"), overwrite);
    written += 2;
    if (names.compositeLegend != names.legend) {
        writeFileAtomically(options.outDir / names.compositeLegend,
                            encodeLegendPng(spec.composite, spec.shows), overwrite);
        ++written;
    }
    QJsonObject doc;
    doc[QStringLiteral("stem")] = QString::fromStdString(name);
    doc[QStringLiteral("heatmaps")] = scaleJson(spec.variants, names.legend);
    QJsonObject shown = scaleJson(spec.composite, names.compositeLegend);
    shown[QStringLiteral("file")] = QString::fromStdString(names.composite);
    shown[QStringLiteral("shows")] = QString::fromStdString(spec.shows);
    shown[QStringLiteral("source")] = QString::fromStdString(spec.showsKey);
    doc[QStringLiteral("composite")] = shown;
    writeFileAtomically(options.outDir / names.json,
                        bytes(QJsonDocument(doc).toJson(QJsonDocument::Indented)), overwrite);
    return written + 1;
}

void ExportController::exportCurrentInteractive() {
    const SampleDataPtr data = m_view->current();
    if (!data) {
        QMessageBox::information(m_parent, tr("Export"), tr("No sample is shown."));
        return;
    }
    if (currentExportRunning()) {
        QMessageBox::information(m_parent, tr("Export"),
                                 tr("An export of a sample is still being written."));
        return;
    }
    const QString folder = askFolder(m_parent, tr("Export the current sample to"));
    if (folder.isEmpty())
        return;
    std::vector<fs::path> existing;
    for (const std::string& file : currentFileNames(data->stem, currentExportOf(*m_view)))
        if (const fs::path path = fs::path(folder.toStdString()) / file; fs::exists(path))
            existing.push_back(path);
    if (!confirmOverwrite(m_parent, existing))
        return;
    startCurrentExport(folder, !existing.empty());
}

void ExportController::startCurrentExport(const QString& folder, bool overwrite) {
    const SampleDataPtr data = m_view->current();
    if (!data)
        return;
    m_currentStem = QString::fromStdString(data->stem);
    m_currentFolder = folder;
    emit message(tr("Writing %1 to %2…").arg(m_currentStem, folder));
    pool::watch(m_current, pool::run([folder, data, overwrite, spec = currentExportOf(*m_view),
                                      composite = m_view->compositeJob()]() -> CurrentResult {
                    try {
                        return {exportCurrent(folder, *data, composite(), spec, overwrite), {}};
                    } catch (const std::exception& e) {
                        return {0, QString::fromStdString(e.what())};
                    }
                }));
}

bool ExportController::currentExportRunning() const {
    return pool::running(m_current.future());
}

} // namespace losslens
