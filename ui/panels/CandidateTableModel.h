#pragma once

#include "losslens/candidates/Candidate.h"

#include <QAbstractTableModel>

#include <optional>
#include <vector>

namespace losslens {

class DatasetSession;

// The open set's candidates (spec section 6) in the order losslens-cli candidates ranks
// them, filtered by class, by whether the class is missing from the sample and by review
// decision (each row tinted with its decision's colour), filled in as the scan goes. The rank
// column is the set-wide rank, kept when a filter hides others.
class CandidateTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Rank, Status, Sample, Class, Area, Confidence, Penalty, Missing, ColumnCount };
    Q_ENUM(Column)
    // Which candidates to list: all, those whose class is in the sample's missing set (the
    // partial loss already lets them off), or those of a class the sample was annotated for
    // (label errors no variant forgives).
    enum class Kind { All, MissingClass, AnnotatedClass };
    Q_ENUM(Kind)
    static constexpr int EntryRole = Qt::UserRole + 1;
    static constexpr int IdRole = Qt::UserRole + 2;

    explicit CandidateTableModel(DatasetSession* session, QObject* parent = nullptr);

    void setClassFilter(int classId); // -1: every class
    void setKind(Kind kind);
    // Only the candidates with this review decision (Undecided: none); nullopt: every one.
    void setStatusFilter(std::optional<ReviewStatus> status);
    [[nodiscard]] std::optional<ReviewStatus> statusFilter() const { return m_status; }
    [[nodiscard]] int classFilter() const { return m_class; }
    [[nodiscard]] Kind kind() const { return m_kind; }
    // The candidate of a row and its entry in the data set.
    [[nodiscard]] const Candidate* candidateAt(int row) const;
    [[nodiscard]] std::size_t entryAt(int row) const;
    // The row listing the candidate `id` of entry `entry`, or -1.
    [[nodiscard]] int rowOf(std::size_t entry, int id) const;
    [[nodiscard]] std::size_t totalCount() const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

private:
    void refilter();
    [[nodiscard]] bool accepts(const Candidate& c) const;

    DatasetSession* m_session;
    int m_class = -1;
    Kind m_kind = Kind::All;
    std::optional<ReviewStatus> m_status;
    std::vector<std::size_t> m_ranks; // the shown rows' ranks in the session's store
};

} // namespace losslens
