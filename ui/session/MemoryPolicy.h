#pragma once

namespace losslens {

// Makes the C library hand every large buffer (a loss map, a prediction, a layer image)
// straight back to the system when it is freed. By default glibc raises its mmap threshold
// after the first large free and then keeps freed maps in its heaps, so a window that moves
// through many large samples would hold far more than its sample cache. Call once, first
// thing in main. A no-op where the C library has no such knob.
void returnLargeBuffersToTheSystem();

// Hands memory freed in the C library's heaps back to the system: smaller buffers freed by
// the loader threads stay in their heaps otherwise. Called when a data set is closed, so
// opening another set starts from what the window needs, not from the last set's peak.
void releaseFreedMemory();

} // namespace losslens
