// About 450 lines: one model, every column of the sample table (stem, missing classes,
// each variant, each run and the change between runs) in each role (display, sort, tooltip,
// icon, search); a role is one function.
#include "panels/SampleTableModel.h"
#include "render/AppIcons.h"
#include "state/VariantStyle.h"

#include "losslens/loss/LossVariant.h"
#include "render/SampleDetails.h"
#include "session/DatasetSession.h"
#include "session/RunScores.h"

#include <QApplication>
#include <QStyle>

#include <algorithm>
#include <limits>

namespace losslens {

// Two names at most; more are counted first, so the count stays when the narrow column
// elides the names (a set of 21 classes often misses ten in one sample, and the loss columns
// beside must stay in view at 1366 px; the tooltip and Details list them all).
QString SampleTableModel::missingCellText(const QStringList& names) {
    if (names.size() <= 2)
        return names.join(QStringLiteral(", "));
    return tr("%1: %2").arg(names.size()).arg(names.join(QStringLiteral(", ")));
}

SampleTableModel::SampleTableModel(DatasetSession* session, RunScores* runs, QObject* parent)
    : QAbstractTableModel(parent)
    , m_session(session)
    , m_runs(runs)
    , m_declaredIcon(missingSourceTag(QLatin1Char('D'), true))
    , m_absentIcon(missingSourceTag(QLatin1Char('A'), false)) {
    // The session dropped its rows (a folder or run is opening): no stale row is read.
    connect(session, &DatasetSession::cleared, this, &SampleTableModel::reset);
    connect(session, &DatasetSession::rowsChanged, this, [this](int first, int last) {
        emit dataChanged(index(first, 0), index(last, columnCount() - 1));
    });
    // A review decision changes the confirmed count of its sample.
    connect(session, &DatasetSession::candidatesChanged, this, [this] {
        if (rowCount() > 0)
            emit dataChanged(index(0, Candidates), index(rowCount() - 1, Candidates));
    });
    if (m_runs)
        connect(m_runs, &RunScores::scoresChanged, this, [this] {
            syncRunColumns();
            if (!m_runColumns.empty() && rowCount() > 0) {
                emit dataChanged(index(0, firstRunColumn()),
                                 index(rowCount() - 1, columnCount() - 1));
                emit headerDataChanged(Qt::Horizontal, firstRunColumn(), columnCount() - 1);
            }
        });
}

int SampleTableModel::firstRunColumn() const {
    return FixedColumns + static_cast<int>(furtherVariants().size());
}

int SampleTableModel::runColumn(const std::string& run) const {
    const auto it = std::find(m_runColumns.begin(), m_runColumns.end(), run);
    return it == m_runColumns.end()
               ? -1
               : firstRunColumn() + static_cast<int>(it - m_runColumns.begin());
}

int SampleTableModel::changeColumn() const {
    return m_runColumns.empty() ? -1 : firstRunColumn() + static_cast<int>(m_runColumns.size());
}

// Run columns come and go as run folders do (a training job adds one per checkpoint): they
// are removed and inserted, not reset, so the selection and the sort survive.
void SampleTableModel::syncRunColumns() {
    std::vector<std::string> wanted;
    if (m_runs && m_runs->runs().size() > 1)
        wanted = m_runs->runs();
    if (wanted == m_runColumns)
        return;
    const int first = firstRunColumn();
    if (!m_runColumns.empty()) {
        beginRemoveColumns({}, first, first + static_cast<int>(m_runColumns.size()));
        m_runColumns.clear();
        endRemoveColumns();
    }
    if (!wanted.empty()) {
        beginInsertColumns({}, first, first + static_cast<int>(wanted.size()));
        m_runColumns = std::move(wanted);
        endInsertColumns();
    }
}

int SampleTableModel::variantColumn(std::size_t variant) {
    if (variant == variantFor(VariantRole::Baseline))
        return Standard;
    if (variant == variantFor(VariantRole::MissingAware))
        return Partial;
    const auto further = furtherVariants();
    const auto it = std::find(further.begin(), further.end(), variant);
    return FixedColumns + static_cast<int>(it - further.begin());
}

int SampleTableModel::columnVariant(int column) {
    if (column == Standard)
        return static_cast<int>(variantFor(VariantRole::Baseline));
    if (column == Partial)
        return static_cast<int>(variantFor(VariantRole::MissingAware));
    const auto further = furtherVariants();
    const int i = column - FixedColumns;
    return i >= 0 && i < static_cast<int>(further.size())
               ? static_cast<int>(further[static_cast<std::size_t>(i)])
               : -1;
}

void SampleTableModel::reset() {
    beginResetModel();
    m_stems.clear();
    m_stemsOf = m_session->dataset();
    if (m_stemsOf != nullptr) {
        m_stems.reserve(m_stemsOf->entries().size());
        for (const SampleEntry& entry : m_stemsOf->entries())
            m_stems.push_back(QString::fromStdString(entry.stem));
    }
    m_runColumns.clear();
    if (m_runs && m_runs->runs().size() > 1)
        m_runColumns = m_runs->runs();
    endResetModel();
}

int SampleTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_session->rows().size());
}

int SampleTableModel::columnCount(const QModelIndex& parent) const {
    if (parent.isValid())
        return 0;
    return firstRunColumn() +
           (m_runColumns.empty() ? 0 : static_cast<int>(m_runColumns.size()) + 1);
}

QVariant SampleTableModel::runHeader(int column, int role) const {
    const std::size_t variant = m_runs->variant();
    const QString label =
        variant < lossVariants().size() ? toQString(lossVariants()[variant].label) : QString();
    const QString open = QString::fromStdString(m_runs->openRun());
    if (column == changeColumn()) {
        const QString other = QString::fromStdString(m_runs->otherRun());
        if (role == Qt::DisplayRole)
            return tr("Δ vs %1").arg(runLabel(other));
        if (role == Qt::ToolTipRole)
            return tr("Change between runs: the mean %1 loss in %2 (the run in view) minus in "
                      "%3 (the vs run, else the first other run).\nHigh first: the samples "
                      "where %2 is worse than %3.")
                .arg(label, open, other);
        return {};
    }
    const QString run =
        QString::fromStdString(m_runColumns[static_cast<std::size_t>(column - firstRunColumn())]);
    if (role == Qt::DisplayRole)
        return runLabel(run);
    if (role == Qt::ForegroundRole)
        return runColour(static_cast<std::size_t>(column - firstRunColumn()));
    if (role == Qt::ToolTipRole)
        return tr("Mean %1 loss per sample in run %2%3 (the heatmap's variant)")
            .arg(label, run, run == open ? tr(", the run in view") : QString());
    return {};
}

QVariant SampleTableModel::runData(int column, std::size_t row, int role) const {
    const bool change = column == changeColumn();
    const std::string run = change
                                ? m_runs->openRun()
                                : m_runColumns[static_cast<std::size_t>(column - firstRunColumn())];
    const std::optional<double> value = change ? m_runs->change(row) : m_runs->mean(run, row);
    switch (role) {
    case Qt::DisplayRole:
        if (!value)
            return {};
        return change && *value > 0.0 ? QStringLiteral("+%1").arg(*value, 0, 'f', 4)
                                      : QString::number(*value, 'f', 4);
    case SortRole:
        return value ? *value : std::numeric_limits<double>::lowest();
    case Qt::TextAlignmentRole:
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        // Worse in the run in view red, better green: the direction reads at a glance.
        if (change && value && *value != 0.0)
            return *value > 0.0 ? QColor(178, 34, 34) : QColor(30, 120, 60);
        return {};
    case Qt::ToolTipRole: {
        if (value)
            return {};
        const std::string other = change ? m_runs->otherRun() : run;
        QString why = m_runs->problem(run, row);
        if (why.isEmpty() && change)
            why = m_runs->problem(other, row);
        return tr("%1: %2").arg(QString::fromStdString(change ? other : run),
                                why.isEmpty() ? tr("no score") : why);
    }
    default:
        return {};
    }
}

QVariant SampleTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (!m_runColumns.empty() && section >= firstRunColumn())
        return runHeader(section, role);
    const int variant = columnVariant(section);
    if (section >= FixedColumns && variant >= 0) {
        const LossVariant& v = lossVariants()[static_cast<std::size_t>(variant)];
        if (role == Qt::DisplayRole) {
            QString name = toQString(v.name);
            name[0] = name[0].toUpper();
            return name;
        }
        if (role == Qt::ToolTipRole)
            return tr("Mean %1 loss: %2").arg(toQString(v.label), toQString(v.description));
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Stem:
            return tr("Sample");
        case Missing:
            return tr("Missing");
        // Short names, so the story's columns fit a dock at 1366 px; the tooltips say them
        // in full.
        case Standard:
            return tr("Std");
        case Partial:
            return tr("Part");
        case Difference:
            return tr("Std − Part");
        case Removed:
            return tr("Removed px");
        case RemovedShare:
            return tr("Removed");
        case Candidates:
            return tr("Cand.");
        case Status:
            return tr("Status");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Missing:
            return tr("Classes whose annotation is missing from this sample.\n"
                      "D: declared in dataset.json label_sets (not annotated, no pixel).\n"
                      "A: no declaration, so every object class with no pixel counts "
                      "(the article's rule).\nThe full list is in the cell's tooltip.");
        case Standard:
            return tr("Mean standard cross-entropy over valid pixels");
        case Partial:
            return tr("Mean partial (missing-annotation aware) loss over valid pixels");
        case Difference:
            return tr("How much of the mean loss the partial variant removes");
        case Removed:
            return tr("Background-labelled pixels whose penalty the partial variant removes");
        case RemovedShare:
            return tr("Removed: the share of background-labelled pixels whose penalty the "
                      "partial variant removes");
        case Candidates:
            return tr("Candidates: objects the model finds where the label says background, "
                      "where an annotation is probably missing (the Candidates tab lists them)");
        default:
            return {};
        }
    }
    return {};
}

namespace {

// A row's numbers as its columns show them (zeros while it is not scored).
struct RowNumbers {
    bool ok = false;
    double standard = 0.0;
    double partial = 0.0;
    double share = 0.0; // removed pixels, % of background
};

RowNumbers rowNumbers(const DatasetSession::Row& r) {
    RowNumbers n;
    n.ok = r.state == DatasetSession::Row::State::Ok;
    if (!n.ok)
        return n;
    const SampleSummary& s = r.summary;
    const std::size_t missingAware = variantFor(VariantRole::MissingAware);
    n.standard = s.mean(variantFor(VariantRole::Baseline));
    n.partial = s.sums.size() > missingAware ? s.mean(missingAware) : 0.0;
    if (s.backgroundPixels > 0)
        n.share =
            100.0 * static_cast<double>(s.removedPixels) / static_cast<double>(s.backgroundPixels);
    return n;
}

} // namespace

QVariant SampleTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || !m_session->dataset())
        return {};
    const auto row = static_cast<std::size_t>(index.row());
    const auto& rows = m_session->rows();
    if (row >= rows.size())
        return {};
    const DatasetSession::Row& r = rows[row];
    const bool ok = r.state == DatasetSession::Row::State::Ok;
    const SampleSummary& s = r.summary;
    const int column = index.column();
    if (role == EntryRole)
        return QVariant::fromValue<qulonglong>(row);
    if (!m_runColumns.empty() && column >= firstRunColumn())
        return runData(column, row, role);
    switch (role) {
    case SearchRole: {
        QString text = stemOf(row);
        if (ok) {
            const std::vector<ClassInfo> classes = m_session->classes();
            for (const int c : s.missing)
                text += QLatin1Char('\n') + classLabel(c, classes);
        }
        return text;
    }
    case MissingRole: {
        if (!ok)
            return {};
        QVariantList ids;
        for (const int c : s.missing)
            ids << c;
        return ids;
    }
    case MissingSourceRole:
        return ok ? QVariant(toQString(missingSourceName(s.missingSource))) : QVariant();
    case Qt::DisplayRole:
        return displayData(column, row);
    case SortRole:
        return sortData(column, row);
    case Qt::ToolTipRole:
        return toolTipData(column, row);
    case Qt::DecorationRole:
        return decorationData(column, row);
    case Qt::TextAlignmentRole:
        if (column != Stem && column != Missing && column != Status)
            return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    default:
        return {};
    }
}

QVariant SampleTableModel::displayData(int column, std::size_t row) const {
    const DatasetSession::Row& r = m_session->rows()[row];
    const RowNumbers n = rowNumbers(r);
    const SampleSummary& s = r.summary;
    if (column == Stem)
        return stemOf(row);
    if (column == Status)
        return n.ok ? (r.warnings.isEmpty() ? tr("ok") : tr("warning"))
                    : (r.state == DatasetSession::Row::State::Error ? tr("error") : tr("pending"));
    if (!n.ok)
        return {};
    if (const int v = columnVariant(column); column >= FixedColumns && v >= 0)
        return QString::number(s.mean(static_cast<std::size_t>(v)), 'f', 4);
    switch (column) {
    case Missing:
        return missingCellText(classNameList(s.missing, m_session->classes()));
    case Standard:
        return QString::number(n.standard, 'f', 4);
    case Partial:
        return QString::number(n.partial, 'f', 4);
    case Difference:
        return QString::number(n.standard - n.partial, 'f', 4);
    case Removed:
        return QString::number(s.removedPixels);
    case RemovedShare:
        return QString::number(n.share, 'f', 1) + QLatin1Char('%');
    case Candidates:
        if (const int count = m_session->candidates().countOf(row); count >= 0) {
            // Confirmed ones (an annotation to draw) next to the count: "5 (2 ✔)".
            const std::size_t confirmed = m_session->candidates().confirmedOf(row);
            return confirmed == 0 ? QString::number(count)
                                  : QStringLiteral("%1 (%2 \u2714)").arg(count).arg(confirmed);
        }
        return {};
    default:
        return {};
    }
}

QString SampleTableModel::stemOf(std::size_t row) const {
    const Dataset* dataset = m_session->dataset();
    if (dataset == m_stemsOf && row < m_stems.size())
        return m_stems[row];
    return QString::fromStdString(dataset->entries()[row].stem);
}

QVariant SampleTableModel::sortData(int column, std::size_t row) const {
    if (column == Stem)
        return stemOf(row);
    const DatasetSession::Row& r = m_session->rows()[row];
    const RowNumbers n = rowNumbers(r);
    const SampleSummary& s = r.summary;
    // Rows without numbers sort after every number, whichever way the user sorts.
    const double none = std::numeric_limits<double>::lowest();
    if (const int v = columnVariant(column); column >= FixedColumns && v >= 0)
        return n.ok ? s.mean(static_cast<std::size_t>(v)) : none;
    switch (column) {
    case Missing:
        return n.ok ? static_cast<double>(s.missing.size()) : none;
    case Standard:
        return n.ok ? n.standard : none;
    case Partial:
        return n.ok ? n.partial : none;
    case Difference:
        return n.ok ? n.standard - n.partial : none;
    case Removed:
        return n.ok ? static_cast<double>(s.removedPixels) : none;
    case RemovedShare:
        return n.ok ? n.share : none;
    case Candidates:
        if (const int count = m_session->candidates().countOf(row); count >= 0)
            return static_cast<double>(count);
        return none;
    case Status:
        return static_cast<int>(r.state);
    default:
        return {};
    }
}

QVariant SampleTableModel::toolTipData(int column, std::size_t row) const {
    const DatasetSession::Row& r = m_session->rows()[row];
    const auto& entry = m_session->dataset()->entries()[row];
    if (column == Missing && r.state == DatasetSession::Row::State::Ok) {
        // Rich text, so Qt wraps a long class list instead of one line across the screen.
        QStringList lines = missingExplanation(entry, r.summary, m_session->dataset()->config(),
                                               m_session->classes());
        for (QString& line : lines)
            line = line.toHtmlEscaped();
        return QStringLiteral("<p>%1</p>").arg(lines.join(QStringLiteral("<br>")));
    }
    if (r.state == DatasetSession::Row::State::Error)
        return QStringLiteral("%1: %2").arg(r.errorFile, r.errorMessage);
    if (!r.warnings.isEmpty())
        return r.warnings.join(QLatin1Char('\n'));
    return QString::fromStdString(entry.stem);
}

QVariant SampleTableModel::decorationData(int column, std::size_t row) const {
    const DatasetSession::Row& r = m_session->rows()[row];
    const SampleSummary& s = r.summary;
    // The A/D tag says where a missing set came from: only on rows that have one.
    if (column == Missing && r.state == DatasetSession::Row::State::Ok && !s.missing.empty())
        return s.missingSource == MissingSource::Declared ? m_declaredIcon : m_absentIcon;
    if (column == Stem) {
        if (r.state == DatasetSession::Row::State::Error)
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical);
        if (!r.warnings.isEmpty())
            return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
    }
    return {};
}

} // namespace losslens
