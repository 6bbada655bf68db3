#pragma once

#include <QList>
#include <QWidget>

#include <cstddef>
#include <functional>
#include <optional>

class QCheckBox;
class QComboBox;
class QHBoxLayout;
class QAction;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace losslens {

class DatasetSession;
class SampleFilterProxy;
class SampleTableModel;

// The Samples dock: filters (by name, samples with missing annotations, samples where a
// typed class is missing) over the sortable sample table. It speaks in entries (indices
// into the data set), not in proxy rows, so the window never maps rows itself. It follows
// the session itself for the class list the class filter offers.
class SampleListPanel : public QWidget {
    Q_OBJECT
public:
    SampleListPanel(DatasetSession* session, SampleTableModel* model, QWidget* parent = nullptr);

    [[nodiscard]] QTableView* tableView() const { return m_table; }
    [[nodiscard]] QSortFilterProxyModel* proxyModel() const;
    [[nodiscard]] QCheckBox* onlyMissingBox() const { return m_onlyMissing; }
    [[nodiscard]] QComboBox* missingClassBox() const { return m_missingClass; }

    // The entry of the current row, if any.
    [[nodiscard]] std::optional<std::size_t> currentEntry() const;
    void selectEntry(std::size_t entry);
    // Moves the selection `delta` rows in the table's current order (clamped at the ends);
    // false when there was nowhere to go.
    bool step(int delta);
    // "No sample matches …" under the table when the filters leave no row (empty otherwise).
    [[nodiscard]] QString emptyMessage() const;
    // The header's column menu: one checkable action per column but the stem (the caller
    // owns them); hiding one is remembered across sessions by the column's title.
    [[nodiscard]] QList<QAction*> columnActions();
    void setColumnShown(int column, bool shown);
    // Selects the first row, in the current order, whose entry `accept`s.
    void selectFirst(const std::function<bool(std::size_t)>& accept);
    // After new numbers arrive: re-sorts when sorted by a number column.
    void refreshSort();
    // A freshly opened set: fit the columns and take the keyboard focus.
    void prepareForNewSet();

signals:
    void currentEntryChanged(std::size_t entry);

private:
    [[nodiscard]] QHBoxLayout* buildFilters();
    void buildTable();
    void buildEmptyMessage();
    void fitColumnsOnce();
    void refreshClasses();
    void applyClassFilter();
    void updateEmptyMessage();
    void updateSetMean();
    void restoreHiddenColumns();
    void placeRunColumns();

    DatasetSession* m_session;
    SampleFilterProxy* m_proxy = nullptr;
    QLineEdit* m_filter = nullptr;
    QCheckBox* m_onlyMissing = nullptr;
    QComboBox* m_missingClass = nullptr;
    QTableView* m_table = nullptr;
    bool m_fitted = false; // the columns were fitted to a scanned set's texts
    QLabel* m_setMean = nullptr;
    QLabel* m_empty = nullptr;
    int m_sortColumn = 0;  // the column sorted by last, so a new one starts worst first
    int m_classCount = -1; // classes the class box was filled with
};

} // namespace losslens
