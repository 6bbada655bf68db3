#pragma once

// Waiting for the window's background work in Qt tests (the QTRY macros record a failure
// and return from the helper; the test then fails on its next check).

#include "session/DatasetSession.h"
#include "window/MainWindow.h"

#include <QTest>

#include <cstddef>

namespace losslens::testing {

// The set is open, every complete sample scored, and a sample is shown.
inline void waitForScan(MainWindow& w) {
    QTRY_VERIFY_WITH_TIMEOUT(w.session()->isOpen(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(w.session()->scanFinished() &&
                                 w.session()->scannedCount() ==
                                     w.session()->dataset()->completeCount(),
                             30000);
    QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() != nullptr, 10000);
}

// Selects an entry and waits until it is the sample shown.
inline void waitForEntry(MainWindow& w, std::size_t entry) {
    w.selectEntry(entry);
    QTRY_VERIFY_WITH_TIMEOUT(w.currentSample() && w.currentSample()->entry == entry, 10000);
}

} // namespace losslens::testing
