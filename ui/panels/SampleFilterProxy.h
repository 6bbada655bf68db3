#pragma once

#include "losslens/io/ClassInfo.h"

#include <QSortFilterProxyModel>

#include <optional>
#include <vector>

namespace losslens {

// The ids of the classes whose name contains `text` (case-insensitive, trimmed), for the
// "missing class" filter; nullopt when `text` is empty (no class filter). An empty list
// means no class matches, so no sample passes.
[[nodiscard]] std::optional<std::vector<int>>
classesMatching(const QString& text, const std::vector<ClassInfo>& classes);

// Whether a sample with missing set `missing` passes the missing-annotation filters: with
// `onlyMissing`, M must not be empty; with a class filter, M must hold one of its classes.
[[nodiscard]] bool passesMissingFilter(const std::vector<int>& missing, bool onlyMissing,
                                       const std::optional<std::vector<int>>& classFilter);

// The sample table's proxy: sorting, the name filter (QSortFilterProxyModel's own, on the
// stem column) and the missing-annotation filters, read from SampleTableModel::MissingRole.
// Rows not scored yet (or failed) have no missing set and pass only when no missing filter
// is on.
class SampleFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setOnlyMissing(bool on);
    void setClassFilter(std::optional<std::vector<int>> classes);
    [[nodiscard]] bool onlyMissing() const { return m_onlyMissing; }
    [[nodiscard]] const std::optional<std::vector<int>>& classFilter() const {
        return m_classFilter;
    }

protected:
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex& sourceParent) const override;

private:
    bool m_onlyMissing = false;
    std::optional<std::vector<int>> m_classFilter;
};

} // namespace losslens
