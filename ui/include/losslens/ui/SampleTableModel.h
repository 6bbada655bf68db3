#pragma once

#include <QAbstractTableModel>
#include <QIcon>

#include <cstddef>

namespace losslens {

class DatasetSession;

// One row per stem of the open set, filled in as the background scan scores samples.
// Qt::UserRole holds the numeric sort key of every column (pending rows sort last).
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
        Status,
        // Then one column per further registered variant (marginal, drop, ...): the mean of
        // furtherVariants()[column - FixedColumns].
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

    explicit SampleTableModel(DatasetSession* session, QObject* parent = nullptr);

    [[nodiscard]] int rowCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex& parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex& index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

    void reset();

private:
    DatasetSession* m_session;
    QIcon m_declaredIcon; // the Missing column's source markers
    QIcon m_absentIcon;
};

} // namespace losslens
