#include "panels/CandidateTableModel.h"

#include "render/ReviewStyle.h"
#include "render/SampleDetails.h"
#include "session/DatasetSession.h"

#include <QColor>

namespace losslens {

namespace {

// Short enough for a narrow dock at any size: 57.3, 5566, 120 k, 22.8 M (the tooltip has
// the exact figures).
QString compact(double value, int decimals) {
    if (value >= 1e6)
        return QStringLiteral("%1 M").arg(value / 1e6, 0, 'f', 1);
    if (value >= 1e4)
        return QStringLiteral("%1 k").arg(value / 1e3, 0, 'f', 0);
    if (value >= 1000)
        return QString::number(value, 'f', 0);
    return QString::number(value, 'f', decimals);
}

} // namespace

CandidateTableModel::CandidateTableModel(DatasetSession* session, QObject* parent)
    : QAbstractTableModel(parent)
    , m_session(session) {
    connect(session, &DatasetSession::cleared, this, &CandidateTableModel::refilter);
    connect(session, &DatasetSession::candidatesChanged, this, &CandidateTableModel::refilter);
    connect(session, &DatasetSession::classesChanged, this, [this] {
        if (!m_ranks.empty())
            emit dataChanged(index(0, Class), index(rowCount() - 1, Class));
    });
}

void CandidateTableModel::setClassFilter(int classId) {
    m_class = classId;
    refilter();
}

void CandidateTableModel::setKind(Kind kind) {
    m_kind = kind;
    refilter();
}

void CandidateTableModel::setStatusFilter(std::optional<ReviewStatus> status) {
    m_status = status;
    refilter();
}

bool CandidateTableModel::accepts(const Candidate& c) const {
    if (m_class >= 0 && c.classId != m_class)
        return false;
    if (m_status && c.status != *m_status)
        return false;
    return m_kind == Kind::All || (m_kind == Kind::MissingClass) == c.missing;
}

void CandidateTableModel::refilter() {
    beginResetModel();
    m_ranks.clear();
    const CandidateStore& store = m_session->candidates();
    for (std::size_t r = 0; r < store.size(); ++r)
        if (accepts(store.at(r)))
            m_ranks.push_back(r);
    endResetModel();
}

const Candidate* CandidateTableModel::candidateAt(int row) const {
    if (row < 0 || static_cast<std::size_t>(row) >= m_ranks.size())
        return nullptr;
    return &m_session->candidates().at(m_ranks[static_cast<std::size_t>(row)]);
}

std::size_t CandidateTableModel::entryAt(int row) const {
    return m_session->candidates().entryOf(m_ranks[static_cast<std::size_t>(row)]);
}

int CandidateTableModel::rowOf(std::size_t entry, int id) const {
    for (std::size_t row = 0; row < m_ranks.size(); ++row)
        if (m_session->candidates().entryOf(m_ranks[row]) == entry &&
            m_session->candidates().at(m_ranks[row]).id == id)
            return static_cast<int>(row);
    return -1;
}

std::size_t CandidateTableModel::totalCount() const {
    return m_session->candidates().size();
}

int CandidateTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_ranks.size());
}

int CandidateTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant CandidateTableModel::data(const QModelIndex& index, int role) const {
    const Candidate* c = index.isValid() ? candidateAt(index.row()) : nullptr;
    if (!c)
        return {};
    const auto rank = m_ranks[static_cast<std::size_t>(index.row())];
    if (role == EntryRole)
        return QVariant::fromValue(static_cast<qulonglong>(entryAt(index.row())));
    if (role == IdRole)
        return c->id;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Rank:
            return QString::number(rank + 1);
        case Status:
            return reviewStatusMark(c->status);
        case Sample:
            return QStringLiteral("%1 #%2").arg(QString::fromStdString(c->stem)).arg(c->id);
        case Class:
            return classLabel(c->classId, m_session->classes());
        case Area:
            return compact(static_cast<double>(c->area), 0);
        case Confidence:
            return QString::number(c->confidence, 'f', 2);
        case Penalty:
            return compact(c->penalty, 1);
        case Missing:
            return c->missing ? tr("missing") : tr("annotated");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Status)
        return c->note.empty() ? reviewStatusLabel(c->status)
                               : reviewStatusLabel(c->status) + QStringLiteral(": ") +
                                     QString::fromStdString(c->note);
    if (role == Qt::ToolTipRole) {
        return tr("%1, candidate %2: %3 px of class %4 at (%5, %6) %7 x %8, mean confidence "
                  "%9, standard loss charged %10.\n%11")
            .arg(QString::fromStdString(c->stem))
            .arg(c->id)
            .arg(c->area)
            .arg(c->classId)
            .arg(c->bbox.x)
            .arg(c->bbox.y)
            .arg(c->bbox.w)
            .arg(c->bbox.h)
            .arg(c->confidence, 0, 'f', 3)
            .arg(c->penalty, 0, 'f', 2)
            .arg(c->missing ? tr("Its class is missing from this sample: the partial loss "
                                 "already lets it off; the label needs it.")
                            : tr("Its class was annotated in this sample: a label error no "
                                 "variant forgives."));
    }
    if (role == Qt::ForegroundRole && index.column() == Missing && !c->missing)
        return QColor(178, 34, 34);
    if (role == Qt::ForegroundRole && index.column() == Status)
        return reviewStatusColor(c->status);
    if (role == Qt::BackgroundRole && c->status != ReviewStatus::Undecided) {
        QColor tint = reviewStatusColor(c->status);
        tint.setAlpha(48);
        return tint;
    }
    if (role == Qt::TextAlignmentRole && index.column() == Status)
        return QVariant(Qt::AlignCenter);
    if (role == Qt::TextAlignmentRole && index.column() != Sample && index.column() != Class &&
        index.column() != Missing)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant CandidateTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case Rank:
            return tr("#");
        case Status:
            return tr("✓");
        case Sample:
            return tr("Sample");
        case Class:
            return tr("Class");
        case Area:
            return tr("Px");
        case Confidence:
            return tr("Conf.");
        case Penalty:
            return tr("Penalty");
        case Missing:
            return tr("Class is");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Rank:
            return tr("Rank over the set, as losslens-cli candidates ranks: penalty, highest "
                      "first");
        case Status:
            return tr("Review decision: ✔ confirmed (an annotation is missing), ✘ "
                      "rejected (nothing to annotate), ? unsure, · undecided");
        case Area:
            return tr("Pixels of the candidate");
        case Confidence:
            return tr("Mean probability of its class over its pixels");
        case Penalty:
            return tr("What standard cross-entropy charges the model for finding it: the sum "
                      "of -log p(background) over its pixels");
        case Missing:
            return tr("missing: the class has no annotation in this sample (partial lets it "
                      "off)\nannotated: the sample was annotated for the class, so this is a "
                      "label error");
        default:
            return {};
        }
    }
    return {};
}

} // namespace losslens
