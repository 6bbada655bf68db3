#pragma once

#include "losslens/candidates/Candidate.h"

#include <QPainterPath>
#include <QWidget>

#include <optional>

class QAction;
class QHBoxLayout;
class QComboBox;
class QLabel;
class QTableView;

namespace losslens {

class CandidateTableModel;
class DatasetSession;
class ReviewExport;
class ReviewKeeper;
class SampleView;

// A candidate's mask as an outline in image pixels (its runs' union), for the canvas.
[[nodiscard]] QPainterPath candidateOutline(const Candidate& candidate);

// The Candidates tab: where an annotation is probably missing, over the whole set, best
// first, as the scan finds them. Choosing one opens its sample (entryRequested), zooms the
// canvas to it and outlines it; the outline stays while that sample is shown. Review: C, R
// and U confirm, reject or mark the chosen candidate unsure and move to the next undecided
// one (N alone moves), Ctrl+Z takes the last decision back; decisions are kept in the set's
// database by a ReviewKeeper the panel owns. The session and the view are handed in; the
// panel subscribes to them itself.
class CandidatesPanel : public QWidget {
    Q_OBJECT
public:
    CandidatesPanel(DatasetSession* session, SampleView* view, QWidget* parent = nullptr);

    [[nodiscard]] CandidateTableModel* model() const { return m_model; }
    [[nodiscard]] QTableView* table() const { return m_table; }
    [[nodiscard]] QComboBox* classBox() const { return m_classBox; }
    [[nodiscard]] QComboBox* kindBox() const { return m_kindBox; }
    [[nodiscard]] QComboBox* statusBox() const { return m_statusBox; }
    [[nodiscard]] ReviewKeeper* review() const { return m_review; }
    // The reviewed exports (confirmed candidates as COCO, corrected labels): the File menu
    // carries its actions too.
    [[nodiscard]] ReviewExport* reviewExport() const { return m_export; }
    // File > Review database… (choose where the open set's decisions are kept) and File >
    // Review database: the set's own (spec section 7's window setting).
    [[nodiscard]] QList<QAction*> databaseActions() const { return {m_chooseDb, m_defaultDb}; }
    // Chooses the candidate of a row, as a click does.
    void choose(int row);
    // Decides on the chosen candidate and moves to the next undecided one (false: none
    // chosen, or the decision could not be kept).
    bool decide(ReviewStatus status);
    // Takes the last decision made here back and chooses its candidate again.
    bool undo();
    // Chooses the next undecided candidate after the chosen one (wrapping); false: none.
    bool nextUndecided();
    // The review keys (confirm, reject, unsure, next, undo), for the shortcuts list.
    [[nodiscard]] QList<QAction*> reviewActions() const;

signals:
    void entryRequested(std::size_t entry);

private:
    struct Chosen {
        std::size_t entry = 0;
        int id = 0;
        bool focused = false; // the canvas zoomed to it once; later redraws keep the user's view
    };
    void buildFilters();
    void buildTable();
    [[nodiscard]] QHBoxLayout* buildReviewKeys();
    void follow(DatasetSession* session, SampleView* view);
    void refillClasses();
    void updateCount();
    void onSampleShown();
    void applyHighlight();
    void updateReview();
    void chooseDatabase();

    DatasetSession* m_session;
    SampleView* m_view;
    CandidateTableModel* m_model;
    QTableView* m_table;
    QComboBox* m_classBox;
    QComboBox* m_kindBox;
    QComboBox* m_statusBox;
    QLabel* m_count;
    QLabel* m_reviewLine;
    ReviewKeeper* m_review;
    ReviewExport* m_export;
    QAction* m_chooseDb;
    QAction* m_defaultDb;
    std::optional<Chosen> m_chosen;
    std::vector<Chosen> m_decided; // the candidates of the keeper's undo list, in order
};

} // namespace losslens
