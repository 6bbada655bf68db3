#pragma once

#include <QWidget>

#include <cstddef>
#include <functional>
#include <optional>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace losslens {

class SampleTableModel;

// The Samples dock: a name filter over the sortable sample table. It speaks in entries
// (indices into the data set), not in proxy rows, so the window never maps rows itself.
class SampleListPanel : public QWidget {
    Q_OBJECT
public:
    SampleListPanel(SampleTableModel* model, QWidget* parent = nullptr);

    [[nodiscard]] QTableView* tableView() const { return m_table; }
    [[nodiscard]] QSortFilterProxyModel* proxyModel() const { return m_proxy; }

    // The entry of the current row, if any.
    [[nodiscard]] std::optional<std::size_t> currentEntry() const;
    void selectEntry(std::size_t entry);
    // Selects the first row, in the current order, whose entry `accept`s.
    void selectFirst(const std::function<bool(std::size_t)>& accept);
    // After new numbers arrive: re-sorts when sorted by a number column.
    void refreshSort();
    // A freshly opened set: fit the columns and take the keyboard focus.
    void prepareForNewSet();

signals:
    void currentEntryChanged(std::size_t entry);

private:
    QSortFilterProxyModel* m_proxy = nullptr;
    QLineEdit* m_filter = nullptr;
    QTableView* m_table = nullptr;
};

} // namespace losslens
