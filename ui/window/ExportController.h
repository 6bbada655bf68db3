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
class DatasetSession;
class SampleView;
struct SetExportJob;

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

// What an export of the whole set colours with: the window's range as shown (resolved when
// the export starts writing, after the scan: the set's range), the CLI's auto range (0 to
// the set's largest loss), or a fixed one; the colour map and scale.
struct SetExportChoice {
    enum class Range { AsShown, Auto, Fixed };
    Range range = Range::Auto;
    ValueRange fixed;
    Colormap colormap = Colormap::Viridis;
    bool log = false;
};

// The window's exports: the current sample (heatmap PNG per variant, the composite as
// shown, raw .npy maps) and the whole set through core's exportSet (the same code as
// `losslens-cli export`), in the background with a cancellable progress dialog. Never
// overwrites without asking, and the GUI thread never waits: a set export asked for while
// the session is still scoring the set waits for the scan visibly (its dialog counts the
// scan) and then writes with the scan's range, instead of competing with it for the cores
// and computing the same range a second time.
class ExportController : public QObject {
    Q_OBJECT
public:
    ExportController(DatasetSession* session, SampleView* view, QWidget* parent);
    ~ExportController() override;

    // Non-interactive core of "export whole set": starts at once and returns; emits
    // setExportFinished when done, cancelled or failed. False (and a message) when a set
    // export is already running.
    bool startSetExport(const QString& folder, const SetExportChoice& choice, bool overwrite);
    [[nodiscard]] bool setExportRunning() const { return m_job != nullptr; }
    // The set export's progress dialog, while it runs (tests press its Cancel).
    [[nodiscard]] QWidget* setExportDialog() const;

    // Non-interactive core of "export current sample", used by the dialog flow and tests.
    // Returns the number of files written; throws on I/O errors or (without overwrite)
    // FileExistsError.
    static int exportCurrent(const QString& folder, const SampleData& data, const QImage& composite,
                             int ignoreIndex, const CurrentExport& spec, bool overwrite);
    // What the view in the window exports now.
    [[nodiscard]] static CurrentExport currentExportOf(const SampleView& view);
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
    // The dialog: folder (created when missing), range, colour map and scale.
    void exportSetInteractive();

signals:
    void message(const QString& text);
    void setExportFinished(const QString& text);

private:
    void runSetExport();
    void finishSetExport(const QString& text);

    DatasetSession* m_session;
    SampleView* m_view;
    QWidget* m_parent;
    struct CurrentResult {
        int written = 0;
        QString error;
    };
    QFutureWatcher<CurrentResult> m_current;
    QString m_currentStem; // what m_current writes, and where
    QString m_currentFolder;
    std::unique_ptr<SetExportJob> m_job;
    std::unique_ptr<SetExportJob> m_finishedJob;
};

} // namespace losslens
