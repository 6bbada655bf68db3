#include "panels/DetailsPanel.h"

#include "panels/SampleListPanel.h"
#include "render/SampleDetails.h"
#include "session/DatasetSession.h"

namespace losslens {

DetailsPanel::DetailsPanel(DatasetSession* session, SampleListPanel* list, QWidget* parent)
    : QTextEdit(parent)
    , m_session(session)
    , m_list(list) {
    setReadOnly(true);
    setToolTip(tr("The current sample's files, missing classes, warnings and errors"));
    connect(list, &SampleListPanel::currentEntryChanged, this, &DetailsPanel::refresh);
    connect(session, &DatasetSession::opened, this, [this] {
        m_errorEntry.reset();
        refresh();
    });
    connect(session, &DatasetSession::rowsChanged, this, [this](int first, int last) {
        // The current sample's numbers and missing set arrive with the scan.
        if (const auto entry = m_list->currentEntry();
            entry && static_cast<int>(*entry) >= first && static_cast<int>(*entry) <= last)
            refresh();
    });
    connect(session, &DatasetSession::sampleReady, this, [this](const SampleDataPtr& ready) {
        if (m_errorEntry == ready->entry)
            m_errorEntry.reset();
        refresh();
    });
    connect(session, &DatasetSession::sampleFailed, this,
            [this](qulonglong entry, const QString& file, const QString& message) {
                m_errorEntry = static_cast<std::size_t>(entry);
                m_error = file.isEmpty() ? message : QStringLiteral("%1:\n%2").arg(file, message);
                refresh();
            });
}

void DetailsPanel::refresh() {
    const auto entry = m_list->currentEntry();
    const Dataset* dataset = m_session->dataset();
    if (!entry || !dataset || *entry >= m_session->rows().size()) {
        clear();
        return;
    }
    QString html = sampleDetailsHtml(dataset->entries()[*entry], m_session->rows()[*entry],
                                     m_errorEntry == entry ? m_error : QString(), dataset->config(),
                                     m_session->classes());
    // Set-level warnings (label_sets entries that match no sample) stay in view.
    for (const auto& warning : dataset->warnings())
        html += tr("<p style='color:#b9770e'>data set warning: %1</p>")
                    .arg(QString::fromStdString(warning).toHtmlEscaped());
    setHtml(html);
}

} // namespace losslens
