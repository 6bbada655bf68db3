#include "losslens/ui/RunChooser.h"

#include "losslens/ui/DatasetSession.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>

namespace losslens {

RunChooser::RunChooser(DatasetSession* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session) {
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(4, 2, 0, 2);
    row->addWidget(new QLabel(tr("Run"), this));
    m_combo = new QComboBox(this);
    m_combo->setObjectName(QStringLiteral("runChooser"));
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_combo->setToolTip(tr("The prediction set shown: one folder of predictions/ per model, "
                           "checkpoint or training loss"));
    row->addWidget(m_combo);
    connect(m_combo, &QComboBox::currentTextChanged, this, [this](const QString& run) {
        if (!m_loading && !run.isEmpty())
            m_session->setRun(run);
    });
    connect(session, &DatasetSession::opened, this, &RunChooser::refresh);
    connect(session, &DatasetSession::runsChanged, this, &RunChooser::refresh);
    hide();
}

void RunChooser::refresh() {
    const auto& runs = m_session->runs();
    m_loading = true;
    m_combo->clear();
    for (const std::string& run : runs)
        m_combo->addItem(QString::fromStdString(run));
    if (m_session->isOpen())
        m_combo->setCurrentText(QString::fromStdString(m_session->dataset()->run()));
    m_loading = false;
    setVisible(runs.size() > 1);
}

} // namespace losslens
