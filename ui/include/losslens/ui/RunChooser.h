#pragma once

#include <QWidget>

class QComboBox;
class QLabel;

namespace losslens {

class DatasetSession;

// "Run: [ckpt_a ▾]" beside the heatmap's variant, for a set of several runs (spec section
// 5): lists the session's runs and switches the session to the one chosen (the sample in
// view stays in view). Hidden for a set of one prediction set. Follows the session itself.
class RunChooser : public QWidget {
    Q_OBJECT
public:
    explicit RunChooser(DatasetSession* session, QWidget* parent = nullptr);
    [[nodiscard]] QComboBox* combo() const { return m_combo; }

private:
    void refresh();

    DatasetSession* m_session;
    QComboBox* m_combo = nullptr;
    bool m_loading = false;
};

} // namespace losslens
