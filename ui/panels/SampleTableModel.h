#pragma once

#include <QAbstractTableModel>
#include <QIcon>

#include <cstddef>
#include <string>
#include <vector>

namespace losslens {

class Dataset;
class DatasetSession;
class RunScores;

// One row per stem of the open set, filled in as the background scan scores samples.
// Qt::UserRole holds the numeric sort key of every column (pending rows sort last).
// A set of several runs (spec section 5) adds, after the variant columns, one column per run
// with the heatmap variant's mean in that run, and a change column: the run in view minus
// the one it is compared with (RunScores says which), high first = where it got worse.
class SampleTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Stem,
        Missing,
        Standard,
        Partial,
        Difference,
        Removed,
        RemovedShare,
        Candidates, // how many candidates (spec section 6) the sample has
        Status,
        // Then one column per further registered variant (marginal, drop, ...): the mean of
        // furtherVariants()[column - FixedColumns]; then the run columns.
        FixedColumns
    };
    Q_ENUM(Column)
    // The column showing a variant's mean (standard and partial have their named columns).
    [[nodiscard]] static int variantColumn(std::size_t variant);
    // The variant whose mean a column shows, or -1.
    [[nodiscard]] static int columnVariant(int column);
    static constexpr int SortRole = Qt::UserRole;
    static constexpr int EntryRole = Qt::UserRole + 1;
    // A scored row's missing set (spec section 4) as a list of class ids; invalid otherwise.
    static constexpr int MissingRole = Qt::UserRole + 2;
    // Its source: "declared" or "absent" (core's missingSourceName); invalid if not scored.
    static constexpr int MissingSourceRole = Qt::UserRole + 3;
    // What the name filter searches: the stem and the names of every missing class.
    static constexpr int SearchRole = Qt::UserRole + 4;

    // The Missing cell's text: up to three names, else two and "+N" for the rest, so a
    // sample of a 21-class set does not fill the table with a wall of names.
    [[nodiscard]] static QString missingCellText(const QStringList& names);

    // Without `runs`, no run columns.
    explicit SampleTableModel(DatasetSession* session, RunScores* runs = nullptr,
                              QObject* parent = nullptr);

    // The column of a run's means and of the change between the two compared runs; -1 when
    // the set has one prediction set.
    [[nodiscard]] int runColumn(const std::string& run) const;
    [[nodiscard]] int changeColumn() const;
    [[nodiscard]] int firstRunColumn() const;

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

    void reset();

private:
    void syncRunColumns();
    [[nodiscard]] QVariant runData(int column, std::size_t row, int role) const;
    // data() by role, for a row of this run's columns.
    [[nodiscard]] QVariant displayData(int column, std::size_t row) const;
    [[nodiscard]] QVariant sortData(int column, std::size_t row) const;
    [[nodiscard]] QVariant toolTipData(int column, std::size_t row) const;
    [[nodiscard]] QVariant decorationData(int column, std::size_t row) const;
    [[nodiscard]] QVariant runHeader(int column, int role) const;
    // The row's stem as the table shows it, made once per set: sorting 10,000 rows by name
    // made two strings per comparison (17 ms of the window's opening, before its scan).
    [[nodiscard]] QString stemOf(std::size_t row) const;

    DatasetSession* m_session;
    RunScores* m_runs;
    std::vector<std::string> m_runColumns; // the runs the columns show (empty: one run)
    QIcon m_declaredIcon;                  // the Missing column's source markers
    QIcon m_absentIcon;
    const Dataset* m_stemsOf = nullptr; // the set whose entries m_stems names
    std::vector<QString> m_stems;
};

} // namespace losslens
