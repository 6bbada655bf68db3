#pragma once

#include <QWidget>

class QComboBox;
class QLabel;

namespace losslens {

class DatasetSession;
class ViewState;

// "Run [ckpt_a ▾] vs [ckpt_b ▾]" beside the heatmap's variant, for a set of several runs
// (spec section 5): the first box switches the session to the run chosen (the sample in view
// stays in view); the second picks the run side by side shows beside it ("none": the
// partner variant, as for a one-run set). Hidden for a set of one prediction set. Follows
// the session and the view state (whose vs run the second box edits) itself.
class RunChooser : public QWidget {
    Q_OBJECT
public:
    RunChooser(DatasetSession* session, ViewState* state, QWidget* parent = nullptr);
    [[nodiscard]] QComboBox* combo() const { return m_combo; }
    [[nodiscard]] QComboBox* compareCombo() const { return m_versus; }

private:
    void refresh();

    DatasetSession* m_session;
    ViewState* m_state;
    QComboBox* m_combo = nullptr;
    QComboBox* m_versus = nullptr;
    bool m_loading = false;
};

} // namespace losslens
