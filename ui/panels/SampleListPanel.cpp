#include "panels/SampleListPanel.h"

#include "losslens/loss/LossVariant.h"

#include "panels/SampleFilterProxy.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
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
    // The name box matches the stem and the names of the classes missing from the sample.
    m_proxy->setFilterRole(SampleTableModel::SearchRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    QHBoxLayout* missingRow = buildFilters();
    connect(session, &DatasetSession::opened, this, &SampleListPanel::refreshClasses);
    connect(session, &DatasetSession::rowsChanged, this, &SampleListPanel::refreshClasses);
    // Once a set's first scan ends, every column fits its texts (a mean over 10 needs more
    // room than the header), the Missing column within reason: the names are in the tooltip
    // and the Details pane, and the loss columns must stay in view. Later scans (a reload, a
    // training job writing predictions) keep the widths the user may have set.
    connect(session, &DatasetSession::scanCompleted, this, &SampleListPanel::fitColumnsOnce);
    buildTable();
    buildEmptyMessage();
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        if (const auto entry = currentEntry())
            emit currentEntryChanged(*entry);
    });
    layout->addWidget(m_filter);
    layout->addLayout(missingRow);
    layout->addWidget(m_table);
    layout->addWidget(m_empty);
    // The set's own row: its pixel-weighted means, as losslens-cli stats ends its table.
    m_setMean = new QLabel(this);
    m_setMean->setObjectName(QStringLiteral("setMean"));
    m_setMean->setWordWrap(true);
    m_setMean->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_setMean);
    connect(session, &DatasetSession::scanProgress, this, &SampleListPanel::updateSetMean);
    connect(session, &DatasetSession::scanCompleted, this, &SampleListPanel::updateSetMean);
    connect(session, &DatasetSession::cleared, this, &SampleListPanel::updateSetMean);
    restoreHiddenColumns();
    // Run columns come with the runs (and a reopened set): their remembered visibility too.
    const auto runColumnsCame = [this] {
        restoreHiddenColumns();
        placeRunColumns();
    };
    connect(m_proxy, &QAbstractItemModel::columnsInserted, this, runColumnsCame);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, runColumnsCame);
}

// The name box, the missing-annotation switch and the missing class box; returns the row of
// the last two.
QHBoxLayout* SampleListPanel::buildFilters() {
    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter by name or missing class…"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setToolTip(tr("Show only samples whose name, or the name of a class missing "
                            "from them, contains this text"));
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

    return missingRow;
}

void SampleListPanel::fitColumnsOnce() {
    if (m_fitted)
        return;
    m_fitted = true;
    m_table->resizeColumnsToContents();
    // The Missing column takes the room the others leave (its count always shows, as the
    // cell starts with it), up to its texts' width or 18 characters.
    const int missing = SampleTableModel::Missing;
    int others = 0;
    for (int c = 0; c < m_proxy->columnCount(); ++c)
        if (c != missing && !m_table->isColumnHidden(c))
            others += m_table->columnWidth(c);
    const QFontMetrics metrics = m_table->fontMetrics();
    const int least =
        metrics.horizontalAdvance(QStringLiteral("19: a…")) + m_table->iconSize().width() + 12;
    const int most = std::min(m_table->columnWidth(missing),
                              metrics.horizontalAdvance(QStringLiteral("M")) * 18);
    const int room = m_table->viewport()->width() - others;
    m_table->setColumnWidth(missing, std::max(least, std::min(most, room)));
}

void SampleListPanel::buildTable() {
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
    // The stretched last column would not shrink below the default 100 px.
    m_table->horizontalHeader()->setDefaultSectionSize(
        m_table->fontMetrics().horizontalAdvance(QStringLiteral("M")) * 5);
    m_table->setToolTip(tr("Click a column header to sort (loss columns worst first); Up/Down, "
                           "PgUp/PgDn or J/K move through samples"));
    // A loss column's first click sorts worst first: that is what a user looks for.
    connect(m_table->horizontalHeader(), &QHeaderView::sortIndicatorChanged, this,
            [this](int column, Qt::SortOrder order) {
                const bool fresh = column != m_sortColumn;
                m_sortColumn = column;
                if (fresh && column > SampleTableModel::Missing && order == Qt::AscendingOrder)
                    m_table->sortByColumn(column, Qt::DescendingOrder);
            });
    // Right-click the header to choose the columns (the column is narrow beside the canvas);
    // the choice is remembered.
    QHeaderView* header = m_table->horizontalHeader();
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QHeaderView::customContextMenuRequested, this, [this](const QPoint& at) {
        QMenu menu(this);
        for (QAction* action : columnActions())
            menu.addAction(action);
        menu.exec(m_table->horizontalHeader()->mapToGlobal(at));
        qDeleteAll(menu.actions());
    });
    m_table->setToolTip(m_table->toolTip() + tr("; right-click a header to choose the columns"));
}

// What the list says when the filters leave no sample.
void SampleListPanel::buildEmptyMessage() {
    m_empty = new QLabel(this);
    m_empty->setWordWrap(true);
    m_empty->setStyleSheet(QStringLiteral("color: #b9770e"));
    m_empty->hide();
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &SampleListPanel::updateEmptyMessage);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &SampleListPanel::updateEmptyMessage);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this,
            &SampleListPanel::updateEmptyMessage);
    // A filter that still matches nothing sends no row signal: the message follows the
    // filters themselves too (after the proxy, connected above, has applied them).
    connect(m_filter, &QLineEdit::textChanged, this, &SampleListPanel::updateEmptyMessage);
    connect(m_onlyMissing, &QCheckBox::toggled, this, &SampleListPanel::updateEmptyMessage);
    connect(m_missingClass, &QComboBox::currentTextChanged, this,
            &SampleListPanel::updateEmptyMessage);
}

// With several runs the question is which samples changed between them: their columns come
// right after the sample's name (the view's order; the model's stays).
void SampleListPanel::placeRunColumns() {
    const auto* model = qobject_cast<const SampleTableModel*>(m_proxy->sourceModel());
    if (!model || model->changeColumn() < 0)
        return;
    QHeaderView* header = m_table->horizontalHeader();
    int to = SampleTableModel::Missing + 1;
    for (int c = model->firstRunColumn(); c <= model->changeColumn(); ++c)
        header->moveSection(header->visualIndex(c), to++);
}

QList<QAction*> SampleListPanel::columnActions() {
    QList<QAction*> actions;
    QAbstractItemModel* model = m_proxy->sourceModel();
    for (int column = 1; column < model->columnCount(); ++column) {
        auto* action = new QAction(model->headerData(column, Qt::Horizontal).toString(), this);
        action->setCheckable(true);
        action->setChecked(!m_table->isColumnHidden(column));
        connect(action, &QAction::toggled, this,
                [this, column](bool on) { setColumnShown(column, on); });
        actions << action;
    }
    return actions;
}

void SampleListPanel::setColumnShown(int column, bool shown) {
    m_table->setColumnHidden(column, !shown);
    QStringList hidden;
    for (int c = 1; c < m_proxy->sourceModel()->columnCount(); ++c)
        if (m_table->isColumnHidden(c))
            hidden << m_proxy->sourceModel()->headerData(c, Qt::Horizontal).toString();
    QSettings().setValue(QStringLiteral("samples/hiddenColumns"), hidden);
}

void SampleListPanel::restoreHiddenColumns() {
    // Status and the removed pixel count are hidden until asked for (the header's menu): the
    // name column's icon already marks a failed or warned sample, the removed share says
    // what the count does relative to the sample, and the room goes to Std - Part, the
    // share and the candidates, so the default columns fit the dock at 1366 x 768.
    const auto header = [this](int column) {
        return m_proxy->sourceModel()->headerData(column, Qt::Horizontal).toString();
    };
    // The further variants (marginal, drop, ...) too: the Compare tab sets them side by side.
    QStringList byDefault{header(SampleTableModel::Status), header(SampleTableModel::Removed)};
    const auto* model = qobject_cast<const SampleTableModel*>(m_proxy->sourceModel());
    for (int c = SampleTableModel::FixedColumns; model && c < model->firstRunColumn(); ++c)
        byDefault << header(c);
    const QStringList hidden =
        QSettings().value(QStringLiteral("samples/hiddenColumns"), byDefault).toStringList();
    for (int c = 1; c < m_proxy->sourceModel()->columnCount(); ++c)
        m_table->setColumnHidden(
            c, hidden.contains(m_proxy->sourceModel()->headerData(c, Qt::Horizontal).toString()));
}

void SampleListPanel::updateEmptyMessage() {
    const bool filtered = !m_filter->text().trimmed().isEmpty() || m_onlyMissing->isChecked() ||
                          !m_missingClass->currentText().trimmed().isEmpty();
    const bool empty = m_proxy->rowCount() == 0 && m_proxy->sourceModel()->rowCount() > 0;
    if (!(filtered && empty)) {
        m_empty->hide();
        m_empty->clear();
        return;
    }
    QStringList why;
    if (const QString t = m_filter->text().trimmed(); !t.isEmpty())
        why << tr("no sample name or missing class contains “%1”").arg(t);
    if (m_onlyMissing->isChecked())
        why << tr("only samples with missing annotations");
    if (const QString t = m_missingClass->currentText().trimmed(); !t.isEmpty())
        why << tr("only samples missing a class named like “%1”").arg(t);
    m_empty->setText(tr("No sample matches the filters (%1) of the %2 samples. Clear them to "
                        "see every sample.")
                         .arg(why.join(QStringLiteral("; ")))
                         .arg(m_proxy->sourceModel()->rowCount()));
    m_empty->show();
}

void SampleListPanel::updateSetMean() {
    const SetSummary& set = m_session->setSummary();
    if (!m_session->isOpen() || set.samples() == 0) {
        m_setMean->clear();
        return;
    }
    const std::size_t standard = variantFor(VariantRole::Baseline);
    const std::size_t partial = variantFor(VariantRole::MissingAware);
    const double share = set.backgroundPixels() > 0
                             ? 100.0 * static_cast<double>(set.removedPixels()) /
                                   static_cast<double>(set.backgroundPixels())
                             : 0.0;
    m_setMean->setText(tr("<b>Set mean</b> (%1 of %2 samples, pixel-weighted): standard %3, "
                          "partial %4, Std − Part %5; removed %6 px (%7% of background)")
                           .arg(set.samples())
                           .arg(m_session->dataset()->completeCount())
                           .arg(set.mean(standard), 0, 'f', 5)
                           .arg(set.mean(partial), 0, 'f', 5)
                           .arg(set.mean(standard) - set.mean(partial), 0, 'f', 5)
                           .arg(set.removedPixels())
                           .arg(share, 0, 'f', 1));
}

QString SampleListPanel::emptyMessage() const {
    return m_empty->isHidden() ? QString() : m_empty->text();
}

bool SampleListPanel::step(int delta) {
    const int rows = m_proxy->rowCount();
    if (rows == 0)
        return false;
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const int from = current.isValid() ? current.row() : (delta > 0 ? -1 : rows);
    const int to = std::clamp(from + delta, 0, rows - 1);
    if (to == from)
        return false;
    m_table->selectRow(to);
    m_table->scrollTo(m_proxy->index(to, 0));
    return true;
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
    m_fitted = false;
    m_table->resizeColumnsToContents();
    // Room for a name and a count before the scan has filled the column.
    m_table->setColumnWidth(
        SampleTableModel::Missing,
        std::max(m_table->columnWidth(SampleTableModel::Missing),
                 m_table->fontMetrics().horizontalAdvance(QStringLiteral("bicycle +10")) +
                     m_table->iconSize().width() + 12));
    m_table->setFocus();
}

} // namespace losslens
