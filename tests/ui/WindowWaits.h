#pragma once

// Waiting for the window's background work in Qt tests (the QTRY macros record a failure
// and return from the helper; the test then fails on its next check).

#include "TestWindow.h"

#include <QTest>

#include <cstddef>

namespace losslens::testing {

// The set is open and every complete sample scored (its row in; scanCompleted emitted).
inline void waitForScored(TestWindow& w) {
    QTRY_VERIFY_WITH_TIMEOUT(w.session()->isOpen(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(w.session()->isScored(), 60000);
}

// The set is scored and a sample is shown.
inline void waitForScan(TestWindow& w) {
    waitForScored(w);
    QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() != nullptr, 10000);
}

// Selects an entry and waits until it is the sample shown.
inline void waitForEntry(TestWindow& w, std::size_t entry) {
    w.selectEntry(entry);
    QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->entry == entry, 10000);
}

} // namespace losslens::testing
