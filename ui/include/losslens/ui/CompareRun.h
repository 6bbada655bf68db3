#pragma once

#include "losslens/ui/SampleCache.h"
#include "losslens/ui/SampleData.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>
#include <string>

namespace losslens {

class Dataset;
class DatasetSession;

// A second run of the open set to compare the one in view with (spec section 5): for the
// sample the session shows, the same stem of this run, loaded and scored off the GUI thread
// (the side-by-side canvas shows it). Follows the session itself: a new sample in view
// brings its partner, a reopened set keeps the run if it still exists.
class CompareRun : public QObject {
    Q_OBJECT
public:
    explicit CompareRun(DatasetSession* session, QObject* parent = nullptr);
    ~CompareRun() override;

    // Empty: no comparison.
    void setRun(const QString& run);
    [[nodiscard]] QString run() const { return m_run; }
    [[nodiscard]] bool active() const { return m_dataset != nullptr; }
    // The partner of the sample in view, once loaded (null otherwise).
    [[nodiscard]] SampleDataPtr current() const { return m_current; }

signals:
    // The run compared with changed (chosen, or gone with its folder).
    void runChanged(const QString& run);
    // The partner sample arrived, or went (null: no run, or this run lacks the stem).
    void sampleChanged();

private:
    void openRun();
    void follow(const SampleDataPtr& shown);

    DatasetSession* m_session;
    QString m_run;
    std::shared_ptr<const Dataset> m_dataset;
    SampleCache m_cache{6};
    SampleDataPtr m_current;
    std::string m_wanted; // the stem in view
    QFutureWatcher<std::shared_ptr<Dataset>> m_opening;
    QFutureWatcher<SampleDataPtr> m_loading;
    std::size_t m_loadingEntry = 0;
    std::string m_loadingStem;
};

} // namespace losslens
