#pragma once

#include "session/SampleCache.h"
#include "session/SampleData.h"

#include <QFutureWatcher>
#include <QObject>
#include <QString>

#include <memory>
#include <string>

namespace losslens {

class Dataset;
class DatasetSession;
class ViewState;

// The view state's vs run, loaded (spec section 5): for the sample the session shows, the
// same stem of that run, loaded and scored off the GUI thread (the side-by-side canvas and
// the run difference use it). Follows the session and the view state itself: a new sample
// in view brings its partner, a reopened set keeps the run if it still exists (else the
// state's vs run is cleared).
class VersusSample : public QObject {
    Q_OBJECT
public:
    VersusSample(DatasetSession* session, ViewState* state, QObject* parent = nullptr);
    ~VersusSample() override;

    [[nodiscard]] QString run() const { return m_run; }
    [[nodiscard]] bool active() const { return m_dataset != nullptr; }
    // The partner of the sample in view, once loaded (null otherwise).
    [[nodiscard]] SampleDataPtr current() const { return m_current; }

signals:
    // The partner sample arrived, or went (null: no run, or this run lacks the stem).
    void sampleChanged();

private:
    void setRun(const QString& run); // the state's vs run, empty for none
    void openRun();
    void follow(const SampleDataPtr& shown);

    DatasetSession* m_session;
    ViewState* m_state;
    QString m_run; // the run loaded: the state's vs run
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
