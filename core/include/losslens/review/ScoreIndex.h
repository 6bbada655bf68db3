#pragma once

#include "losslens/candidates/CandidateIndex.h"
#include "losslens/io/Dataset.h"
#include "losslens/review/ReviewStore.h"

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace losslens {

// Each sample's scores kept in the set's review database (spec section 7), so reopening an
// unchanged set scores nothing again. A row belongs to a context (dataset.json's bytes, the
// run, the limits, what the scan reads and makes, the candidate options) and a stem, and is
// used only while the sample's files keep the size and modification time (ns) they had
// when it was scored. A file modified within the last two seconds is not kept (a second
// write in the same clock tick would not change its time), so what is still being written
// is scored again next time.
//
// The rows of the set's context are read once when the index opens; recall() and keep() are
// then safe from the scan's worker threads. Kept outcomes are written in batches, each one
// IMMEDIATE transaction, by whichever worker fills a batch, and the rest by flush() or the
// destructor. A write that fails turns the index off for writing (problem() says why); the
// scan goes on.
class ScoreIndex final : public CandidateIndex {
public:
    struct Options {
        bool statistics = false; // the scan makes SampleStatistics (the window)
        Dataset::Image images = Dataset::Image::Skip;
        std::optional<CandidateOptions> candidates; // also keep each sample's candidates
    };

    // Opens the index of `dataset`'s scores in the database at `path`. A missing database is
    // created by the first write, so a pass that keeps nothing creates nothing. Throws
    // ReviewError as ReviewStore::open.
    ScoreIndex(const std::filesystem::path& path, const Dataset& dataset, const Options& options);
    ScoreIndex(const ScoreIndex&) = delete;
    ScoreIndex& operator=(const ScoreIndex&) = delete;
    ~ScoreIndex() override;

    [[nodiscard]] bool recall(std::size_t entry, SampleOutcome& outcome) override;
    void keep(const SampleOutcome& outcome) override;
    [[nodiscard]] bool recallCandidates(std::size_t entry, KeptCandidates& kept) override;
    void keepCandidates(std::size_t entry, const KeptCandidates& kept) override;

    // Writes what is kept and not yet written. Never throws: see problem().
    void flush();

    [[nodiscard]] std::size_t recalled() const noexcept { return m_recalled.load(); }
    [[nodiscard]] std::size_t written() const noexcept { return m_written.load(); }
    // Why writing stopped ("" while it works).
    [[nodiscard]] std::string problem() const;

    // Forgets every kept score of every set and run in the database at `path` (decisions
    // stay); returns how many rows went. A missing file: 0, nothing created.
    static std::size_t clear(const std::filesystem::path& path);

private:
    struct Row {
        std::vector<std::uint8_t> stamp;
        std::vector<std::uint8_t> data;
    };
    struct Slot {
        std::vector<std::uint8_t> stamp;
        bool stamped = false;
        bool keepable = false;
    };
    struct Pending {
        const std::string* context;
        std::string stem;
        std::vector<std::uint8_t> stamp;
        std::vector<std::uint8_t> data;
    };
    Slot& stampOf(std::size_t entry);
    void load(const std::string& context, std::unordered_map<std::string, Row>& into);
    void add(const std::string& context, std::size_t entry, std::vector<std::uint8_t> data);

    const Dataset& m_dataset;
    Options m_options;
    std::string m_outcomeContext;
    std::string m_candidatesContext;
    std::unordered_map<std::string, Row> m_outcomes;   // by stem, as read when opened
    std::unordered_map<std::string, Row> m_candidates; // by stem
    std::vector<Slot> m_slots;                         // by entry: each touched by one worker
    std::atomic<std::size_t> m_recalled{0};
    std::atomic<std::size_t> m_written{0};

    mutable std::mutex m_mutex; // the store and the pending rows
    std::filesystem::path m_path;
    std::optional<ReviewStore> m_store; // none until the first write when the file is missing
    std::vector<Pending> m_pending;
    std::string m_problem;
};

} // namespace losslens
