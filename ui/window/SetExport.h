#pragma once

#include "losslens/report/Colormap.h"
#include "losslens/report/ValueRange.h"
#include "session/JobRunner.h"

#include <QObject>
#include <QString>

#include <memory>

class QWidget;

namespace losslens {

class DatasetSession;
class SampleView;
struct SetExportJob;

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

// The export of the whole set through core's exportSet (the same code as `losslens-cli
// export`), in the background with a cancellable progress dialog, while the user goes on
// looking at samples. Never overwrites without asking, and the GUI thread never waits: an
// export asked for while the session is still scoring the set waits for the scan visibly
// (its dialog counts the scan) and then writes with the scan's range, instead of competing
// with it for the cores and computing the same range a second time.
class SetExport : public QObject {
    Q_OBJECT
public:
    SetExport(DatasetSession* session, SampleView* view, QWidget* parent);
    ~SetExport() override;

    // Non-interactive core of "export whole set": starts at once and returns; emits
    // finished() when done, cancelled or failed. False (and a message) when an export of
    // the set is already running or no set is open.
    bool start(const QString& folder, const SetExportChoice& choice, bool overwrite);
    [[nodiscard]] bool running() const { return m_job != nullptr; }
    // The progress dialog, while the export runs (tests press its Cancel).
    [[nodiscard]] QWidget* dialog() const;

public slots:
    // The dialog: folder (created when missing), range, colour map and scale; then start().
    void exportInteractive();

signals:
    void message(const QString& text);
    void finished(const QString& text);

private:
    void run();
    void tick();
    void finish(const QString& text);

    DatasetSession* m_session;
    SampleView* m_view;
    QWidget* m_parent;
    std::unique_ptr<SetExportJob> m_job;
    JobRunner m_runner{std::chrono::milliseconds(100)}; // m_job's writing
};

} // namespace losslens
