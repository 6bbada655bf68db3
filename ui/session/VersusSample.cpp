#include "session/VersusSample.h"
#include "session/ThreadPool.h"

#include "losslens/io/Dataset.h"
#include "session/DatasetSession.h"
#include "state/ViewState.h"

#include <algorithm>

namespace losslens {

VersusSample::VersusSample(DatasetSession* session, ViewState* state, QObject* parent)
    : QObject(parent)
    , m_session(session)
    , m_state(state) {
    connect(state, &ViewState::versusRunChanged, this, &VersusSample::setRun);
    connect(session, &DatasetSession::opened, this, [this](bool ok) {
        m_dataset.reset();
        m_cache.clear();
        const auto& runs = m_session->runs();
        if (!ok || std::find(runs.begin(), runs.end(), m_run.toStdString()) == runs.end()) {
            m_run.clear();
            m_current.reset();
            emit sampleChanged();
            m_state->setVersusRun(QString()); // the run is gone with its folder
            return;
        }
        openRun();
    });
    connect(session, &DatasetSession::sampleReady, this, &VersusSample::follow);
    connect(&m_opening, &QFutureWatcher<std::shared_ptr<Dataset>>::finished, this, [this] {
        m_dataset = m_opening.result();
        if (m_dataset && !m_wanted.empty())
            follow(nullptr);
    });
    connect(&m_loading, &QFutureWatcher<SampleDataPtr>::finished, this, [this] {
        const SampleDataPtr data = m_loading.result();
        if (data)
            m_cache.put(m_loadingEntry, data);
        if (m_loadingStem == m_wanted) {
            m_current = data; // null: this run's file of the stem cannot be loaded
            emit sampleChanged();
        } else if (m_dataset && !m_wanted.empty()) {
            follow(nullptr); // the view moved on meanwhile
        }
    });
}

VersusSample::~VersusSample() {
    pool::wait(m_opening.future());
    pool::wait(m_loading.future());
}

void VersusSample::setRun(const QString& run) {
    if (run == m_run)
        return;
    m_run = run;
    m_dataset.reset();
    m_cache.clear();
    m_current.reset();
    emit sampleChanged();
    if (!m_run.isEmpty() && m_session->isOpen())
        openRun();
}

void VersusSample::openRun() {
    if (pool::running(m_opening.future()))
        pool::wait(m_opening.future()); // a listing: short
    if (m_session->dataset() &&
        m_session->requestedSample() < m_session->dataset()->entries().size())
        m_wanted = m_session->dataset()->entries()[m_session->requestedSample()].stem;
    const std::string root = m_session->path().toStdString();
    const std::string run = m_run.toStdString();
    const DataLimits limits = m_session->limits();
    pool::watch(m_opening, pool::run([root, run, limits]() -> std::shared_ptr<Dataset> {
                    try {
                        return std::make_shared<Dataset>(Dataset::open(root, limits, run));
                    } catch (const std::exception&) {
                        return nullptr; // a run gone meanwhile: nothing to compare with
                    }
                }));
}

void VersusSample::follow(const SampleDataPtr& shown) {
    if (shown)
        m_wanted = shown->stem;
    if (!m_dataset || m_wanted.empty())
        return;
    const auto& entries = m_dataset->entries();
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&](const SampleEntry& e) { return e.stem == m_wanted; });
    if (it == entries.end() || !it->complete()) {
        m_current.reset(); // this run lacks the stem (or its prediction)
        emit sampleChanged();
        return;
    }
    const auto entry = static_cast<std::size_t>(it - entries.begin());
    if (SampleDataPtr cached = m_cache.get(entry)) {
        m_current = cached;
        emit sampleChanged();
        return;
    }
    if (pool::running(m_loading.future()))
        return; // its finish handler follows the stem wanted then
    m_loadingEntry = entry;
    m_loadingStem = m_wanted;
    pool::watch(
        m_loading, pool::run([dataset = m_dataset, entry]() -> SampleDataPtr {
            try {
                return loadSampleData(*dataset, entry);
            } catch (const std::exception&) {
                return nullptr; // its error is the run's own; the side canvas says it is missing
            }
        }));
}

} // namespace losslens
