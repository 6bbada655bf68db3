#pragma once

#include "losslens/report/Colormap.h"
#include "losslens/report/Legend.h"
#include "losslens/report/ValueRange.h"
#include "session/SampleData.h"

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <string>

class QWidget;

namespace losslens {

class Dataset;
class SampleView;

// How "export current sample" colours its files: every variant's heatmap over the range
// the window draws a single variant with (never a difference's range), and the composite
// as the canvas shows it, with its own scale when it shows a difference. Both scales go
// into <stem>.export.json and a legend PNG each, so the files can be read back.
struct CurrentExport {
    Colormap colormap = Colormap::Viridis;
    HeatmapScale variants;  // the variant heatmaps' scale
    HeatmapScale composite; // the composite heatmap's scale
    std::string shows;      // what the composite shows ("standard − partial")
    std::string showsKey;   // the same as a word ("standard-minus-partial")
    std::string run;        // the run in view, empty for a set of one
};

// The window's export of the current sample: a heatmap PNG per variant, the composite as
// shown, raw .npy maps and what they show (<stem>.export.json), written off the GUI thread.
// Never overwrites without asking. The whole set's export is SetExport.
// The files "export current sample" writes besides each variant's: the composite as shown,
// the variants' legend, the composite's legend (the variants' one when the scales are the
// same) and what they show.
struct CurrentExportNames {
    std::string composite;
    std::string legend;
    std::string compositeLegend;
    std::string json;
};

class ExportController : public QObject {
    Q_OBJECT
public:
    ExportController(SampleView* view, QWidget* parent);
    ~ExportController() override;

    // Non-interactive core of "export current sample", used by the dialog flow and tests.
    // Returns the number of files written; throws on I/O errors or (without overwrite)
    // FileExistsError.
    static int exportCurrent(const QString& folder, const SampleData& data, const QImage& composite,
                             const CurrentExport& spec, bool overwrite);
    // What the view in the window exports now.
    [[nodiscard]] static CurrentExport currentExportOf(const SampleView& view);
    // The names of the files besides each variant's (core's exportFileNames), in one place
    // for the writer, the overwrite question and <stem>.export.json.
    [[nodiscard]] static CurrentExportNames currentExportNames(const std::string& stem,
                                                               const CurrentExport& spec);
    // The files an export of `stem` with `spec` writes.
    [[nodiscard]] static std::vector<std::string> currentFileNames(const std::string& stem,
                                                                   const CurrentExport& spec);

public slots:
    // Asks for a folder (and before overwriting), then writes the view's sample off the GUI
    // thread: a big sample's maps are scored again and its composite drawn there; the
    // outcome arrives as message() or a warning.
    void exportCurrentInteractive();
    // Its non-interactive part: starts writing and returns at once (tests call it).
    void startCurrentExport(const QString& folder, bool overwrite);
    [[nodiscard]] bool currentExportRunning() const;

signals:
    void message(const QString& text);

private:
    SampleView* m_view;
    QWidget* m_parent;
    struct CurrentResult {
        int written = 0;
        QString error;
    };
    QFutureWatcher<CurrentResult> m_current;
    QString m_currentStem; // what m_current writes, and where
    QString m_currentFolder;
};

} // namespace losslens
