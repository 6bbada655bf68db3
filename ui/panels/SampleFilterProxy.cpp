#include "panels/SampleFilterProxy.h"

#include "panels/SampleTableModel.h"

#include <algorithm>

namespace losslens {

std::optional<std::vector<int>> classesMatching(const QString& text,
                                                const std::vector<ClassInfo>& classes) {
    const QString needle = text.trimmed();
    if (needle.isEmpty())
        return std::nullopt;
    std::vector<int> ids;
    // Background (0) is never missing, so it is never offered.
    for (std::size_t c = 1; c < classes.size(); ++c)
        if (QString::fromStdString(classes[c].name).contains(needle, Qt::CaseInsensitive))
            ids.push_back(static_cast<int>(c));
    return ids;
}

bool passesMissingFilter(const std::vector<int>& missing, bool onlyMissing,
                         const std::optional<std::vector<int>>& classFilter) {
    if (onlyMissing && missing.empty())
        return false;
    if (!classFilter)
        return true;
    return std::any_of(missing.begin(), missing.end(), [&](int c) {
        return std::find(classFilter->begin(), classFilter->end(), c) != classFilter->end();
    });
}

void SampleFilterProxy::setOnlyMissing(bool on) {
    if (on == m_onlyMissing)
        return;
    m_onlyMissing = on;
    invalidateRowsFilter();
}

void SampleFilterProxy::setClassFilter(std::optional<std::vector<int>> classes) {
    if (classes == m_classFilter)
        return;
    m_classFilter = std::move(classes);
    invalidateRowsFilter();
}

bool SampleFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    if (!QSortFilterProxyModel::filterAcceptsRow(sourceRow, sourceParent))
        return false;
    if (!m_onlyMissing && !m_classFilter)
        return true;
    const QVariant value =
        sourceModel()->index(sourceRow, 0, sourceParent).data(SampleTableModel::MissingRole);
    if (!value.isValid())
        return false; // not scored (yet): nothing known about its missing set
    std::vector<int> missing;
    for (const QVariant& id : value.toList())
        missing.push_back(id.toInt());
    return passesMissingFilter(missing, m_onlyMissing, m_classFilter);
}

} // namespace losslens
