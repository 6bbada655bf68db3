#pragma once

#include "losslens/Dataset.h"
#include "losslens/ui/DatasetSession.h"

#include <QString>

namespace losslens {

// The Details pane's HTML for one stem: its files, its numbers once scored, its error (from
// the scan, or `loadError` from loading it for display) and its warnings.
[[nodiscard]] QString sampleDetailsHtml(const SampleEntry& entry, const DatasetSession::Row& row,
                                        const QString& loadError);

} // namespace losslens
