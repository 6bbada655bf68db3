#pragma once

#include "losslens/ui/SampleData.h"

#include <QFutureWatcher>
#include <QImage>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

class QWidget;

namespace losslens {

class Dataset;
class DatasetSession;
struct SetExportJob;

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
    ExportController(DatasetSession* session, QWidget* parent);
    ~ExportController() override;

    // Non-interactive core of "export whole set": starts at once and returns; emits
    // setExportFinished when done, cancelled or failed. False (and a message) when a set
    // export is already running.
    bool startSetExport(const QString& folder, int colormap, bool overwrite);
    [[nodiscard]] bool setExportRunning() const { return m_job != nullptr; }
    // The set export's progress dialog, while it runs (tests press its Cancel).
    [[nodiscard]] QWidget* setExportDialog() const;

    // Non-interactive core of "export current sample", used by the dialog flow and tests.
    // Returns the number of files written; throws on I/O errors or (without overwrite)
    // FileExistsError.
    static int exportCurrent(const QString& folder, const SampleData& data, const QImage& composite,
                             int ignoreIndex, float lo, float hi, int colormap, bool overwrite);

public slots:
    // Asks for a folder (and before overwriting), then writes off the GUI thread: a big
    // sample's maps are scored again and its composite drawn there. `composite` makes the
    // composite (SampleView::compositeJob); the outcome arrives as message() or a warning.
    void exportCurrentInteractive(const losslens::SampleDataPtr& data,
                                  std::function<QImage()> composite, int ignoreIndex, float lo,
                                  float hi, int colormap);
    // Its non-interactive part: starts writing and returns at once (tests call it).
    void startCurrentExport(const QString& folder, const losslens::SampleDataPtr& data,
                            std::function<QImage()> composite, int ignoreIndex, float lo, float hi,
                            int colormap, bool overwrite);
    [[nodiscard]] bool currentExportRunning() const;
    void exportSetInteractive(int colormap);

signals:
    void message(const QString& text);
    void setExportFinished(const QString& text);

private:
    void runSetExport();
    void finishSetExport(const QString& text);

    DatasetSession* m_session;
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
