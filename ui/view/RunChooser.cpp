#include "view/RunChooser.h"

#include "session/DatasetSession.h"
#include "state/ViewState.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>

#include <algorithm>

namespace losslens {

RunChooser::RunChooser(DatasetSession* session, ViewState* state, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_state(state) {
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(4, 2, 0, 2);
    row->addWidget(new QLabel(tr("Run"), this));
    m_combo = new QComboBox(this);
    m_combo->setObjectName(QStringLiteral("runChooser"));
    m_combo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_combo->setToolTip(tr("The prediction set shown: one folder of predictions/ per model, "
                           "checkpoint or training loss"));
    row->addWidget(m_combo);
    row->addWidget(new QLabel(tr("vs"), this));
    m_versus = new QComboBox(this);
    m_versus->setObjectName(QStringLiteral("compareRunChooser"));
    m_versus->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_versus->setToolTip(tr("The run side by side (Ctrl+D) shows beside this one, the same "
                            "sample, variant and range, zoom and pan in step"));
    row->addWidget(m_versus);
    connect(m_versus, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_loading)
            m_state->setVersusRun(index <= 0 ? QString() : m_versus->itemText(index));
    });
    connect(m_combo, &QComboBox::currentTextChanged, this, [this](const QString& run) {
        if (!m_loading && !run.isEmpty())
            m_session->setRun(run);
    });
    connect(session, &DatasetSession::opened, this, &RunChooser::refresh);
    connect(session, &DatasetSession::runsChanged, this, &RunChooser::refresh);
    connect(state, &ViewState::versusRunChanged, this, [this](const QString& run) {
        m_loading = true;
        m_versus->setCurrentIndex(std::max(0, m_versus->findText(run)));
        m_loading = false;
    });
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
    m_versus->clear();
    m_versus->addItem(tr("none"));
    for (const std::string& run : runs)
        m_versus->addItem(QString::fromStdString(run));
    m_versus->setCurrentIndex(std::max(0, m_versus->findText(m_state->versusRun())));
    m_loading = false;
    setVisible(runs.size() > 1);
}

} // namespace losslens
