#include "losslens/review/ScoreIndex.h"

#include "ScoreBlob.h"
#include "SqliteStatement.h"
#include "losslens/io/FileStamp.h"
#include "losslens/review/ReviewError.h"

#include <ctime>
#include <fstream>
#include <iterator>
#include <sstream>

namespace losslens {

using detail::Statement;

namespace {

// Rows written per transaction: few enough that a killed scan loses little, enough that a
// 10,000-sample scan commits a few dozen times, not 10,000.
constexpr std::size_t kBatch = 256;
// A file younger than this may still change within its modification time's clock tick.
constexpr std::int64_t kSettledNs = 2'000'000'000;

// Two 64-bit FNV-1a hashes (different offsets) as 32 hex digits: a context's name.
std::string contextName(const std::string& material) {
    std::uint64_t a = 14695981039346656037ull;
    std::uint64_t b = 0x6c62272e07bb0142ull;
    for (const unsigned char c : material) {
        a = (a ^ c) * 1099511628211ull;
        b = (b ^ c) * 1099511628211ull;
    }
    std::ostringstream out;
    out << std::hex;
    out.width(16);
    out.fill('0');
    out << a;
    out.width(16);
    out << b;
    return out.str();
}

std::string fileBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void put(std::vector<std::uint8_t>& out, std::int64_t v) {
    for (int b = 0; b < 8; ++b)
        out.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * b)));
}

std::int64_t nowNs() {
    timespec t{};
    clock_gettime(CLOCK_REALTIME, &t);
    return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec;
}

} // namespace

ScoreIndex::ScoreIndex(const std::filesystem::path& path, const Dataset& dataset,
                       const Options& options)
    : m_dataset(dataset)
    , m_options(options)
    , m_slots(dataset.entries().size())
    , m_path(path)
    , m_store(ReviewStore::open(path, ReviewStore::Open::Existing)) {
    // What an outcome depends on besides the sample's own files.
    std::ostringstream material;
    const DataLimits& limits = dataset.limits();
    material << "outcome 1\n"
             << std::filesystem::absolute(dataset.root()).lexically_normal().string() << '\n'
             << "run " << dataset.run() << '\n'
             << "limits " << limits.maxPixels << ' ' << limits.maxClasses << ' '
             << limits.maxFileBytes << ' ' << memoryBudget(limits) << '\n'
             << "images " << static_cast<int>(options.images) << '\n'
             << "label_sets " << dataset.config().labelSets.size() << '\n'
             << "dataset.json\n"
             << fileBytes(dataset.root() / "dataset.json");
    m_outcomeContext = contextName(material.str());
    load(m_outcomeContext, m_outcomes);
    if (options.candidates) {
        std::ostringstream more;
        more << "candidates 1 " << m_outcomeContext << ' ' << options.candidates->minConfidence
             << ' ' << options.candidates->minArea;
        m_candidatesContext = contextName(more.str());
        load(m_candidatesContext, m_candidates);
    }
}

ScoreIndex::~ScoreIndex() {
    flush();
}

void ScoreIndex::load(const std::string& context, std::unordered_map<std::string, Row>& into) {
    if (!m_store)
        return;
    Statement s(m_store->m_db, "SELECT stem, stamp, data FROM scores WHERE context = ?");
    if (s.prepared() != SQLITE_OK)
        m_store->fail("cannot read the score index");
    s.bind(1, context);
    int code = SQLITE_ROW;
    while ((code = s.step()) == SQLITE_ROW) {
        const auto stamp = s.blob(1);
        const auto data = s.blob(2);
        into[s.text(0)] = Row{{stamp.begin(), stamp.end()}, {data.begin(), data.end()}};
    }
    if (code != SQLITE_DONE)
        m_store->fail("cannot read the score index");
}

ScoreIndex::Slot& ScoreIndex::stampOf(std::size_t entry) {
    Slot& slot = m_slots[entry];
    if (slot.stamped)
        return slot;
    slot.stamped = true;
    slot.keepable = true;
    const SampleEntry& e = m_dataset.entries()[entry];
    const std::int64_t settled = nowNs() - kSettledNs;
    const auto stampFile = [&](const std::filesystem::path& file) {
        const FileStamp stamp = fileStamp(file);
        put(slot.stamp, stamp.size);
        put(slot.stamp, stamp.mtimeNs);
        if (stamp.exists() && stamp.mtimeNs > settled)
            slot.keepable = false;
    };
    stampFile(e.label);
    stampFile(e.prediction);
    if (m_options.images != Dataset::Image::Skip)
        stampFile(e.image);
    put(slot.stamp, e.labelSet ? static_cast<std::int64_t>(*e.labelSet) : -1);
    put(slot.stamp, e.cocoImage ? static_cast<std::int64_t>(*e.cocoImage) : -1);
    return slot;
}

bool ScoreIndex::recall(std::size_t entry, SampleOutcome& outcome) {
    const SampleEntry& e = m_dataset.entries()[entry];
    const Slot& slot = stampOf(entry);
    const auto it = m_outcomes.find(e.stem);
    if (it == m_outcomes.end() || it->second.stamp != slot.stamp)
        return false;
    SampleOutcome recalled;
    if (!detail::decodeOutcome(it->second.data, m_options.statistics, recalled))
        return false;
    recalled.entry = entry;
    recalled.stem = e.stem;
    outcome = std::move(recalled);
    ++m_recalled;
    return true;
}

bool ScoreIndex::recallCandidates(std::size_t entry, KeptCandidates& kept) {
    if (!m_options.candidates)
        return false;
    const SampleEntry& e = m_dataset.entries()[entry];
    const Slot& slot = stampOf(entry);
    const auto it = m_candidates.find(e.stem);
    if (it == m_candidates.end() || it->second.stamp != slot.stamp)
        return false;
    KeptCandidates recalled;
    if (!detail::decodeCandidates(it->second.data, recalled))
        return false;
    for (Candidate& c : recalled.found) {
        c.stem = e.stem;
        c.run = m_dataset.run();
    }
    kept = std::move(recalled);
    return true;
}

void ScoreIndex::keep(const SampleOutcome& outcome) {
    // A failure is cheap to meet again and may be mended without the files changing (a
    // limit raised, memory freed).
    if (!outcome.ok || outcome.fileExists)
        return;
    add(m_outcomeContext, outcome.entry, detail::encodeOutcome(outcome));
}

void ScoreIndex::keepCandidates(std::size_t entry, const KeptCandidates& kept) {
    if (m_options.candidates)
        add(m_candidatesContext, entry, detail::encodeCandidates(kept));
}

void ScoreIndex::add(const std::string& context, std::size_t entry,
                     std::vector<std::uint8_t> data) {
    const Slot& slot = stampOf(entry);
    if (!slot.keepable)
        return;
    std::unique_lock lock(m_mutex);
    if (!m_problem.empty())
        return;
    m_pending.push_back({&context, m_dataset.entries()[entry].stem, slot.stamp, std::move(data)});
    if (m_pending.size() < kBatch)
        return;
    lock.unlock();
    flush();
}

void ScoreIndex::flush() {
    std::lock_guard lock(m_mutex);
    if (m_pending.empty() || !m_problem.empty())
        return;
    try {
        if (!m_store)
            m_store = ReviewStore::open(m_path, ReviewStore::Open::CreateIfMissing);
        sqlite3* db = m_store->m_db;
        m_store->exec("BEGIN IMMEDIATE");
        try {
            Statement s(db, "INSERT OR REPLACE INTO scores (context, stem, stamp, data) "
                            "VALUES (?, ?, ?, ?)");
            if (s.prepared() != SQLITE_OK)
                m_store->fail("cannot keep scores");
            for (const Pending& p : m_pending) {
                s.bind(1, *p.context);
                s.bind(2, p.stem);
                s.bind(3, p.stamp);
                s.bind(4, p.data);
                if (s.step() != SQLITE_DONE)
                    m_store->fail("cannot keep scores");
                s.reset();
            }
            m_store->exec("COMMIT");
        } catch (...) {
            sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
        m_written += m_pending.size();
    } catch (const std::exception& e) {
        m_problem = e.what();
    }
    m_pending.clear();
}

std::string ScoreIndex::problem() const {
    std::lock_guard lock(m_mutex);
    return m_problem;
}

std::size_t ScoreIndex::clear(const std::filesystem::path& path) {
    std::optional<ReviewStore> store = ReviewStore::open(path, ReviewStore::Open::Existing);
    if (!store)
        return 0;
    store->exec("BEGIN IMMEDIATE");
    try {
        store->exec("DELETE FROM scores");
        const auto removed = static_cast<std::size_t>(sqlite3_changes64(store->m_db));
        store->exec("COMMIT");
        return removed;
    } catch (...) {
        sqlite3_exec(store->m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

} // namespace losslens
