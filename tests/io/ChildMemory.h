#pragma once

// Runs a piece of work in a forked child and reports how much memory it took: peak RSS
// (VmHWM, reset through clear_refs) and peak address space (VmPeak) above the child's own
// figures before the work, so one case's blow-up cannot hide another's. Address space
// catches a buffer that was allocated but never touched (a decoder that sizes a buffer by
// a header and then fails on the first row), which RSS alone does not see.

#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <string>

namespace losslens::testing {

inline long statusKb(const char* field) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind(field, 0) == 0)
            return std::stol(line.substr(std::strlen(field)));
    return -1;
}

// Sanitizers keep freed memory in quarantine and pad every block: a bound on how much a
// valid file costs measures their allocator there, not ours. (Refusals are still checked.)
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizedAllocator = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitizedAllocator = true;
#else
constexpr bool kSanitizedAllocator = false;
#endif
#else
constexpr bool kSanitizedAllocator = false;
#endif

struct ChildMemory {
    long peakRssKb = -1;     // above the RSS before the work
    long peakVirtualKb = -1; // above the address space before the work
    bool threw = false;      // the work ended in an exception (a refusal)
    [[nodiscard]] bool reported() const { return peakRssKb >= 0; }
};

// `work` runs in the child; an exception it throws counts as a refusal.
inline ChildMemory measureInChild(const std::function<void()>& work) {
    int fds[2];
    if (pipe(fds) != 0)
        return {};
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        { std::ofstream("/proc/self/clear_refs") << "5"; } // VmHWM := VmRSS
        const long rss = statusKb("VmRSS:");
        const long size = statusKb("VmSize:");
        const long peakBefore = statusKb("VmPeak:");
        bool threw = false;
        try {
            work();
        } catch (...) {
            threw = true;
        }
        const long peakRss = statusKb("VmHWM:");
        // VmPeak is not reset; growth above both the size at the start and the old peak.
        const long peakVirtual = statusKb("VmPeak:");
        const long result[3] = {peakRss - rss, peakVirtual > peakBefore ? peakVirtual - size : 0L,
                                threw ? 1L : 0L};
        (void)!write(fds[1], result, sizeof result);
        _exit(0);
    }
    close(fds[1]);
    long result[3] = {-1, -1, 0};
    const auto got = read(fds[0], result, sizeof result);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != static_cast<ssize_t>(sizeof result) || !WIFEXITED(status))
        return {};
    return {result[0], result[1], result[2] != 0};
}

} // namespace losslens::testing
