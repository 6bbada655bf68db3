#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace losslens::cli {

// A one-line progress report on stderr (count, rate, ETA), shown only when stderr is a
// terminal so logs and pipes stay clean. Called from worker threads, serialised by core.
class Progress {
public:
    explicit Progress(std::string what);
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    void update(std::size_t done, std::size_t total);
    // Ends the progress line, so what is printed next starts a line of its own.
    void finish();

private:
    std::string m_what;
    bool m_enabled;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_start;
    std::chrono::steady_clock::time_point m_last;
};

} // namespace losslens::cli
