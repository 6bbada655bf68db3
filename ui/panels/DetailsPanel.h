#pragma once

#include <QTextEdit>

#include <cstddef>
#include <optional>

namespace losslens {

class DatasetSession;
class SampleListPanel;

// The Details dock: the current sample's files, missing classes and why, numbers, warnings
// and errors, and the set's warnings. It follows the session (numbers arrive with the scan,
// load errors with the loader) and the sample list's current entry itself.
class DetailsPanel : public QTextEdit {
    Q_OBJECT
public:
    DetailsPanel(DatasetSession* session, SampleListPanel* list, QWidget* parent = nullptr);

    void refresh();

private:
    DatasetSession* m_session;
    SampleListPanel* m_list;
    std::optional<std::size_t> m_errorEntry; // the entry m_error belongs to
    QString m_error;                         // why it could not be loaded for display
};

} // namespace losslens
