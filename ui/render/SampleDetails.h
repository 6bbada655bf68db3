#pragma once

#include "losslens/io/Dataset.h"
#include "session/DatasetSession.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace losslens {

// The Details pane's HTML for one stem: its files, its numbers once scored, its error (from
// the scan, or `loadError` from loading it for display) and its warnings.
// `classes` names the classes; `config` holds the label_sets the entry may match.
[[nodiscard]] QString sampleDetailsHtml(const SampleEntry& entry, const DatasetSession::Row& row,
                                        const QString& loadError, const DatasetConfig& config,
                                        const std::vector<ClassInfo>& classes);

// Plain-text lines saying which classes are missing from a scored sample and why (spec
// section 4): its label_sets entry and the classes it declares annotated, or the article's
// rule. The Missing column's tooltip and the Details pane both show them.
[[nodiscard]] QStringList missingExplanation(const SampleEntry& entry, const SampleSummary& summary,
                                             const DatasetConfig& config,
                                             const std::vector<ClassInfo>& classes);

// A class's name for every list, table and chart of the window ("class 7" style names come
// from `classes`, the session's, which names every class it knows; an id past it is shown
// as its number).
[[nodiscard]] QString classLabel(int id, const std::vector<ClassInfo>& classes);
// classLabel of each id, in the given order.
[[nodiscard]] QStringList classNameList(const std::vector<int>& ids,
                                        const std::vector<ClassInfo>& classes);

} // namespace losslens
