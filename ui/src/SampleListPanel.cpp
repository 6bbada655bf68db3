#include "losslens/ui/SampleListPanel.h"

#include "losslens/ui/SampleTableModel.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace losslens {

SampleListPanel::SampleListPanel(SampleTableModel* model, QWidget* parent)
    : QWidget(parent) {
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(SampleTableModel::SortRole);
    m_proxy->setFilterKeyColumn(SampleTableModel::Stem);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter by name…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Show only samples whose name contains this text"));
    connect(m_filter, &QLineEdit::textChanged, m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    m_table = new QTableView(this);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(SampleTableModel::Stem, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setToolTip(tr("Click a column header to sort; Up/Down move through samples"));
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        if (const auto entry = currentEntry())
            emit currentEntryChanged(*entry);
    });
    layout->addWidget(m_filter);
    layout->addWidget(m_table);
}

std::optional<std::size_t> SampleListPanel::currentEntry() const {
    const QModelIndex index = m_table->selectionModel()->currentIndex();
    if (!index.isValid())
        return std::nullopt;
    return static_cast<std::size_t>(index.data(SampleTableModel::EntryRole).toULongLong());
}

void SampleListPanel::selectEntry(std::size_t entry) {
    const QModelIndex source = m_proxy->sourceModel()->index(static_cast<int>(entry), 0);
    const QModelIndex index = m_proxy->mapFromSource(source);
    if (index.isValid())
        m_table->selectRow(index.row());
}

void SampleListPanel::selectFirst(const std::function<bool(std::size_t)>& accept) {
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const auto entry = static_cast<std::size_t>(
            m_proxy->index(row, 0).data(SampleTableModel::EntryRole).toULongLong());
        if (accept(entry)) {
            m_table->selectRow(row);
            return;
        }
    }
}

void SampleListPanel::refreshSort() {
    if (m_proxy->sortColumn() > SampleTableModel::Stem)
        m_proxy->invalidate();
}

void SampleListPanel::prepareForNewSet() {
    m_table->resizeColumnsToContents();
    m_table->setFocus();
}

} // namespace losslens
