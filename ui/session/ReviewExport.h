#pragma once

#include "losslens/candidates/ProposedLabels.h"
#include "losslens/candidates/SetCandidates.h"
#include "session/CandidateStore.h"

#include <QObject>
#include <QString>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

class QAction;
class QWidget;

namespace losslens {

class DatasetSession;

// The window's candidates with one review decision, as core's candidate exports take them
// (the same COCO file and proposed labels `losslens-cli candidates --status STATUS` writes):
// ranked as listed, each sample's ids as the CLI numbers them. COCO's images are the samples
// holding such a candidate (the window keeps no size of the others).
[[nodiscard]] CandidateSetReport reviewedReport(const CandidateStore& store, const Dataset& dataset,
                                                std::vector<std::string> classNames,
                                                ReviewStatus status);

// The reviewed exports from the window: the confirmed candidates as a COCO file for
// annotators, and the proposed corrected labels of their samples for training. Each asks for
// its target, writes off the GUI thread (atomically; labels never over an existing file) and
// reports through message(). Its actions go in the Candidates tab and the File menu.
class ReviewExport : public QObject {
    Q_OBJECT
public:
    ReviewExport(DatasetSession* session, QWidget* parent);

    [[nodiscard]] QList<QAction*> actions() const;
    // The non-interactive parts (tests call them): start writing and return at once;
    // finished() follows with the message.
    bool startCoco(const QString& file);
    bool startLabels(const QString& folder);
    [[nodiscard]] bool running() const { return m_running; }

signals:
    void message(const QString& text);
    void finished(const QString& text);

private:
    void done(const QString& text);

    DatasetSession* m_session;
    QWidget* m_parent;
    QAction* m_coco;
    QAction* m_labels;
    bool m_running = false;
};

} // namespace losslens
