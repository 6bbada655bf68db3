#include "losslens/ui/CandidatesPanel.h"

#include "losslens/ui/CandidateTableModel.h"
#include "losslens/ui/Canvas.h"
#include "losslens/ui/DatasetSession.h"
#include "losslens/ui/SampleView.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QRegion>
#include <QTableView>
#include <QVBoxLayout>

namespace losslens {

QPainterPath candidateOutline(const Candidate& candidate) {
    QRegion region;
    for (const PixelRun& r : candidate.runs)
        region += QRect(r.x0, r.y, r.x1 - r.x0, 1);
    QPainterPath path;
    path.addRegion(region);
    return path.simplified();
}

CandidatesPanel::CandidatesPanel(DatasetSession* session, SampleView* view, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_view(view)
    , m_model(new CandidateTableModel(session, this))
    , m_table(new QTableView)
    , m_classBox(new QComboBox)
    , m_kindBox(new QComboBox)
    , m_count(new QLabel) {
    m_classBox->setToolTip(tr("Only the candidates of one class"));
    m_kindBox->addItem(tr("All candidates"), static_cast<int>(CandidateTableModel::Kind::All));
    m_kindBox->addItem(tr("Class missing (partial lets off)"),
                       static_cast<int>(CandidateTableModel::Kind::MissingClass));
    m_kindBox->addItem(tr("Class annotated (label error)"),
                       static_cast<int>(CandidateTableModel::Kind::AnnotatedClass));
    m_kindBox->setToolTip(
        tr("Missing: the sample has no annotation of the class, so the partial loss already "
           "lets the object off and the label needs it.\nAnnotated: the sample was annotated "
           "for the class, so an object left unlabelled is a label error."));
    m_count->setObjectName(QStringLiteral("candidateCount"));
    m_count->setWordWrap(true);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // The sample is what a user needs whole; a long class name gives way first.
    m_table->horizontalHeader()->setSectionResizeMode(CandidateTableModel::Class,
                                                      QHeaderView::Stretch);
    m_table->setAlternatingRowColors(true);
    m_table->setTextElideMode(Qt::ElideMiddle);

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_classBox, 1);
    filters->addWidget(m_kindBox, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_count);
    layout->addWidget(m_table, 1);

    connect(m_classBox, &QComboBox::activated, this,
            [this] { m_model->setClassFilter(m_classBox->currentData().toInt()); });
    connect(m_kindBox, &QComboBox::activated, this, [this] {
        m_model->setKind(static_cast<CandidateTableModel::Kind>(m_kindBox->currentData().toInt()));
    });
    connect(session, &DatasetSession::opened, this, &CandidatesPanel::refillClasses);
    connect(session, &DatasetSession::classesChanged, this, &CandidatesPanel::refillClasses);
    connect(session, &DatasetSession::cleared, this, [this] {
        m_chosen.reset();
        refillClasses();
    });
    connect(session, &DatasetSession::scanCompleted, this, &CandidatesPanel::updateCount);
    // The list is rebuilt as candidates arrive; the chosen one stays selected.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        updateCount();
        if (!m_chosen)
            return;
        const int row = m_model->rowOf(m_chosen->entry, m_chosen->id);
        if (row < 0)
            return;
        const QSignalBlocker block(m_table->selectionModel());
        m_table->selectRow(row);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) {
                if (current.isValid())
                    choose(current.row());
            });
    connect(view, &SampleView::sampleShown, this, &CandidatesPanel::onSampleShown);
    refillClasses();
    updateCount();
}

void CandidatesPanel::refillClasses() {
    const int chosen = m_classBox->currentData().isValid() ? m_classBox->currentData().toInt() : -1;
    m_classBox->clear();
    m_classBox->addItem(tr("All classes"), -1);
    const auto classes = m_session->classes();
    for (std::size_t c = 1; c < classes.size(); ++c)
        m_classBox->addItem(QString::fromStdString(classes[c].name), static_cast<int>(c));
    const int at = m_classBox->findData(chosen);
    m_classBox->setCurrentIndex(at >= 0 ? at : 0);
    if (at < 0 && m_model->classFilter() != -1)
        m_model->setClassFilter(-1);
}

void CandidatesPanel::updateCount() {
    const std::size_t total = m_model->totalCount();
    const int shown = m_model->rowCount();
    const QString scanning =
        m_session->isOpen() && !m_session->isScored() ? tr(" (scanning…)") : QString();
    if (!m_session->isOpen())
        m_count->setText(tr("Open a data set to list its candidates."));
    else if (total == 0)
        m_count->setText(tr("No candidate yet%1: no background-labelled object the model finds "
                            "with confidence 0.5 over 16 px or more.")
                             .arg(scanning));
    else
        m_count->setText(
            static_cast<std::size_t>(shown) == total
                ? tr("%n candidate(s)%1, best first", "", shown).arg(scanning)
                : tr("%1 of %2 candidates%3, best first").arg(shown).arg(total).arg(scanning));
}

void CandidatesPanel::choose(int row) {
    const Candidate* c = m_model->candidateAt(row);
    if (!c)
        return;
    m_chosen = Chosen{m_model->entryAt(row), c->id, false};
    if (m_table->currentIndex().row() != row) {
        const QSignalBlocker block(m_table->selectionModel());
        m_table->selectRow(row);
    }
    const SampleDataPtr shown = m_view->current();
    if (shown && shown->entry == m_chosen->entry)
        applyHighlight();
    else
        emit entryRequested(m_chosen->entry);
}

void CandidatesPanel::onSampleShown() {
    const SampleDataPtr shown = m_view->current();
    if (m_chosen && shown && shown->entry == m_chosen->entry) {
        applyHighlight();
        return;
    }
    // Another sample: its own outline is not this one's.
    m_view->canvas()->setHighlight({});
    m_view->sideCanvas()->setHighlight({});
}

void CandidatesPanel::applyHighlight() {
    const SampleDataPtr shown = m_view->current();
    if (!shown || !m_chosen)
        return;
    for (const Candidate& c : shown->candidates) {
        if (c.id != m_chosen->id)
            continue;
        const QPainterPath outline = candidateOutline(c);
        m_view->canvas()->setHighlight(outline);
        m_view->sideCanvas()->setHighlight(outline);
        if (!m_chosen->focused) {
            m_chosen->focused = true;
            m_view->canvas()->focusOn(QRectF(c.bbox.x, c.bbox.y, c.bbox.w, c.bbox.h));
        }
        return;
    }
}

} // namespace losslens
