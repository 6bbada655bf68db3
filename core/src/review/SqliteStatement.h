#pragma once

// The little of SQLite's C API the review store uses, with its cleanup tied to scope. Private
// to core's review/ sources: nothing outside sees sqlite3.h.
#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace losslens::detail {

// A prepared statement, finalised on every path out.
class Statement {
public:
    Statement(sqlite3* db, const char* sql) {
        m_code = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr);
    }
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement() { sqlite3_finalize(m_stmt); }

    [[nodiscard]] int prepared() const { return m_code; }
    void bind(int i, std::int64_t v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind(int i, const std::string& v) {
        sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, std::string_view v) {
        sqlite3_bind_text(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    void bind(int i, const std::vector<std::uint8_t>& v) {
        sqlite3_bind_blob(m_stmt, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    // SQLITE_ROW or SQLITE_DONE; anything else is the caller's error.
    int step() { return sqlite3_step(m_stmt); }
    // Ready to step again with new bindings.
    void reset() {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    [[nodiscard]] std::int64_t integer(int c) const { return sqlite3_column_int64(m_stmt, c); }
    [[nodiscard]] std::string text(int c) const {
        const auto* p = sqlite3_column_text(m_stmt, c);
        return p ? std::string(reinterpret_cast<const char*>(p),
                               static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, c)))
                 : std::string();
    }
    [[nodiscard]] std::span<const std::uint8_t> blob(int c) const {
        const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, c));
        return {p, p ? static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, c)) : 0};
    }

private:
    sqlite3_stmt* m_stmt = nullptr;
    int m_code = SQLITE_OK;
};

} // namespace losslens::detail
