#include "Progress.h"

#include <cstdio>
#include <unistd.h>

namespace losslens::cli {

Progress::Progress(std::string what)
    : m_what(std::move(what))
    , m_enabled(::isatty(STDERR_FILENO) == 1)
    , m_start(std::chrono::steady_clock::now())
    , m_last(m_start) {}

Progress::~Progress() {
    finish();
}

void Progress::finish() {
    if (m_drawn)
        std::fputs("\n", stderr);
    m_drawn = false;
    m_enabled = false;
}

void Progress::update(std::size_t done, std::size_t total) {
    if (!m_enabled)
        return;
    const auto now = std::chrono::steady_clock::now();
    if (done < total && now - m_last < std::chrono::milliseconds(100))
        return;
    m_last = now;
    const double seconds = std::chrono::duration<double>(now - m_start).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    const double eta = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
    std::fprintf(stderr, "\r%s %zu/%zu  %.1f/s  ETA %.0fs   ", m_what.c_str(), done, total, rate,
                 eta);
    std::fflush(stderr);
    m_drawn = true;
}

} // namespace losslens::cli
