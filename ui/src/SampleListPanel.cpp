#include "losslens/ui/SampleListPanel.h"

#include "losslens/ui/DatasetSession.h"
#include "losslens/ui/SampleFilterProxy.h"
#include "losslens/ui/SampleTableModel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace losslens {

SampleListPanel::SampleListPanel(DatasetSession* session, SampleTableModel* model, QWidget* parent)
    : QWidget(parent)
    , m_session(session) {
    m_proxy = new SampleFilterProxy(this);
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
    m_onlyMissing = new QCheckBox(tr("Missing annotations"), this);
    m_onlyMissing->setToolTip(tr("Show only samples whose missing set is not empty"));
    connect(m_onlyMissing, &QCheckBox::toggled, m_proxy, &SampleFilterProxy::setOnlyMissing);
    m_missingClass = new QComboBox(this);
    m_missingClass->setEditable(true);
    m_missingClass->setInsertPolicy(QComboBox::NoInsert);
    m_missingClass->lineEdit()->setPlaceholderText(tr("Missing class…"));
    m_missingClass->lineEdit()->setClearButtonEnabled(true);
    m_missingClass->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_missingClass->completer()->setFilterMode(Qt::MatchContains);
    m_missingClass->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    m_missingClass->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_missingClass->setMinimumContentsLength(12);
    m_missingClass->setToolTip(tr("Type a class name (or part of one) to show only the samples "
                                  "where that class's annotation is missing"));
    connect(m_missingClass, &QComboBox::currentTextChanged, this,
            &SampleListPanel::applyClassFilter);
    auto* missingRow = new QHBoxLayout;
    missingRow->setContentsMargins(0, 0, 0, 0);
    missingRow->addWidget(m_onlyMissing);
    missingRow->addWidget(m_missingClass, 1);

    connect(session, &DatasetSession::opened, this, &SampleListPanel::refreshClasses);
    connect(session, &DatasetSession::rowsChanged, this, &SampleListPanel::refreshClasses);
    // Fit the Missing column to its texts once the scan ends, within reason: the names are
    // in the tooltip and the Details pane, and the loss columns must stay in view.
    connect(session, &DatasetSession::scanCompleted, this, [this] {
        const int before = m_table->columnWidth(SampleTableModel::Missing);
        m_table->resizeColumnToContents(SampleTableModel::Missing);
        const int cap = m_table->fontMetrics().horizontalAdvance(QStringLiteral("M")) * 18;
        m_table->setColumnWidth(
            SampleTableModel::Missing,
            std::max(before, std::min(m_table->columnWidth(SampleTableModel::Missing), cap)));
    });

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
    layout->addLayout(missingRow);
    layout->addWidget(m_table);
}

QSortFilterProxyModel* SampleListPanel::proxyModel() const {
    return m_proxy;
}

void SampleListPanel::refreshClasses() {
    // Classes are known when the set opens (dataset.json) or once a sample is scored.
    const std::vector<ClassInfo> classes = m_session->classes();
    const int count = m_session->isOpen() ? static_cast<int>(classes.size()) : 0;
    if (count == m_classCount)
        return;
    m_classCount = count;
    const QString typed = m_missingClass->currentText();
    const QSignalBlocker block(m_missingClass);
    m_missingClass->clear();
    for (std::size_t c = 1; c < classes.size(); ++c) // background is never missing
        m_missingClass->addItem(QString::fromStdString(classes[c].name));
    m_missingClass->setCurrentIndex(-1);
    m_missingClass->setEditText(typed);
    applyClassFilter();
}

void SampleListPanel::applyClassFilter() {
    m_proxy->setClassFilter(classesMatching(m_missingClass->currentText(), m_session->classes()));
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
    // Room for two names and a count before the scan has filled the column.
    m_table->setColumnWidth(
        SampleTableModel::Missing,
        std::max(m_table->columnWidth(SampleTableModel::Missing),
                 m_table->fontMetrics().horizontalAdvance(QStringLiteral("bicycle, bottle +10")) +
                     m_table->iconSize().width() + 12));
    m_table->setFocus();
}

} // namespace losslens
