#pragma once

#include "losslens/candidates/Candidate.h"

#include <QPainterPath>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QTableView;

namespace losslens {

class CandidateTableModel;
class DatasetSession;
class SampleView;

// A candidate's mask as an outline in image pixels (its runs' union), for the canvas.
[[nodiscard]] QPainterPath candidateOutline(const Candidate& candidate);

// The Candidates tab: where an annotation is probably missing, over the whole set, best
// first, as the scan finds them. Choosing one opens its sample (entryRequested), zooms the
// canvas to it and outlines it; the outline stays while that sample is shown. The session
// and the view are handed in; the panel subscribes to them itself.
class CandidatesPanel : public QWidget {
    Q_OBJECT
public:
    CandidatesPanel(DatasetSession* session, SampleView* view, QWidget* parent = nullptr);

    [[nodiscard]] CandidateTableModel* model() const { return m_model; }
    [[nodiscard]] QTableView* table() const { return m_table; }
    [[nodiscard]] QComboBox* classBox() const { return m_classBox; }
    [[nodiscard]] QComboBox* kindBox() const { return m_kindBox; }
    // Chooses the candidate of a row, as a click does.
    void choose(int row);

signals:
    void entryRequested(std::size_t entry);

private:
    struct Chosen {
        std::size_t entry = 0;
        int id = 0;
        bool focused = false; // the canvas zoomed to it once; later redraws keep the user's view
    };
    void refillClasses();
    void updateCount();
    void onSampleShown();
    void applyHighlight();

    DatasetSession* m_session;
    SampleView* m_view;
    CandidateTableModel* m_model;
    QTableView* m_table;
    QComboBox* m_classBox;
    QComboBox* m_kindBox;
    QLabel* m_count;
    std::optional<Chosen> m_chosen;
};

} // namespace losslens
