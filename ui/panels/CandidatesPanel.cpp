#include "panels/CandidatesPanel.h"

#include "panels/CandidateTableModel.h"
#include "render/ReviewStyle.h"
#include "session/DatasetSession.h"
#include "session/ReviewExport.h"
#include "session/ReviewKeeper.h"
#include "view/Canvas.h"
#include "view/SampleView.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QRegion>
#include <QTableView>
#include <QToolButton>
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
    , m_statusBox(new QComboBox)
    , m_count(new QLabel)
    , m_reviewLine(new QLabel)
    , m_review(new ReviewKeeper(session, this))
    , m_export(new ReviewExport(session, this))
    , m_chooseDb(new QAction(tr("Review &database…"), this))
    , m_defaultDb(new QAction(tr("Review database: the set's &own"), this)) {
    buildFilters();
    buildTable();
    QHBoxLayout* keys = buildReviewKeys();
    m_chooseDb->setToolTip(tr("Keep this set's review decisions (and its kept scores) in "
                              "another database"));
    m_defaultDb->setToolTip(tr("Keep this set's review decisions in its own folder again"));
    connect(m_chooseDb, &QAction::triggered, this, &CandidatesPanel::chooseDatabase);
    connect(m_defaultDb, &QAction::triggered, this, [this] { m_review->useDatabase({}); });

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_classBox, 1);
    filters->addWidget(m_kindBox, 1);
    filters->addWidget(m_statusBox, 1);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_count);
    layout->addLayout(keys);
    layout->addWidget(m_reviewLine);
    layout->addWidget(m_table, 1);

    follow(session, view);
    refillClasses();
    updateCount();
    updateReview();
}

// The class, kind and decision filters above the list.
void CandidatesPanel::buildFilters() {
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

    m_statusBox->addItem(tr("Any decision"), -1);
    for (const ReviewStatus s : {ReviewStatus::Undecided, ReviewStatus::Confirmed,
                                 ReviewStatus::Rejected, ReviewStatus::Unsure})
        m_statusBox->addItem(reviewStatusMark(s) + QLatin1Char(' ') + reviewStatusLabel(s),
                             static_cast<int>(s));
    m_statusBox->setToolTip(tr("Only the candidates with this review decision"));
    m_reviewLine->setObjectName(QStringLiteral("reviewProgress"));
    m_reviewLine->setWordWrap(true);
}

void CandidatesPanel::buildTable() {
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Fitted to the rows in view and those about them, not to the first 1,000 of every
    // layout: the list grows as a scan finds candidates, and measuring 1,000 rows' texts at
    // each growth was a third of the GUI thread's time in a scan of 10,000 samples.
    m_table->horizontalHeader()->setResizeContentsPrecision(100);
    // The sample is what a user needs whole; a long class name gives way first.
    m_table->horizontalHeader()->setSectionResizeMode(CandidateTableModel::Class,
                                                      QHeaderView::Stretch);
    m_table->setAlternatingRowColors(true);
    m_table->setTextElideMode(Qt::ElideMiddle);
}

// The review keys: one key a decision, then on to the next undecided candidate; and the
// export of the confirmed ones. Returns their row.
QHBoxLayout* CandidatesPanel::buildReviewKeys() {
    auto* keys = new QHBoxLayout;
    const auto addKey = [&](const QString& text, const QKeySequence& key, ReviewStatus status,
                            const QString& tip, auto&& slot) {
        auto* action = new QAction(text, this);
        action->setShortcut(key);
        action->setShortcutContext(Qt::WindowShortcut);
        action->setToolTip(tip +
                           QStringLiteral(" (%1)").arg(key.toString(QKeySequence::NativeText)));
        action->setObjectName(QStringLiteral("review") + text.section(QLatin1Char(' '), -1));
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        auto* button = new QToolButton;
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        if (status != ReviewStatus::Undecided) {
            QPalette palette = button->palette();
            palette.setColor(QPalette::ButtonText, reviewStatusColor(status));
            button->setPalette(palette);
        }
        keys->addWidget(button);
    };
    addKey(reviewStatusMark(ReviewStatus::Confirmed) + tr(" Confirm"), QKeySequence(Qt::Key_C),
           ReviewStatus::Confirmed, tr("An annotation is missing here"),
           [this] { decide(ReviewStatus::Confirmed); });
    addKey(reviewStatusMark(ReviewStatus::Rejected) + tr(" Reject"), QKeySequence(Qt::Key_R),
           ReviewStatus::Rejected, tr("Nothing to annotate here"),
           [this] { decide(ReviewStatus::Rejected); });
    addKey(tr("? Unsure"), QKeySequence(Qt::Key_U), ReviewStatus::Unsure, tr("Look again later"),
           [this] { decide(ReviewStatus::Unsure); });
    addKey(tr("Next"), QKeySequence(Qt::Key_N), ReviewStatus::Undecided,
           tr("The next undecided candidate"), [this] { nextUndecided(); });
    addKey(tr("Undo"), QKeySequence::Undo, ReviewStatus::Undecided,
           tr("Take the last decision back"), [this] { undo(); });
    keys->addStretch(1);
    auto* exports = new QToolButton;
    exports->setText(tr("Export confirmed"));
    exports->setToolTip(tr("The confirmed candidates as a COCO file, or corrected labels"));
    exports->setPopupMode(QToolButton::InstantPopup);
    exports->addActions(m_export->actions());
    keys->addWidget(exports);

    return keys;
}

// The filters, the review and the list follow each other, the session and the view.
void CandidatesPanel::follow(DatasetSession* session, SampleView* view) {
    connect(m_classBox, &QComboBox::activated, this,
            [this] { m_model->setClassFilter(m_classBox->currentData().toInt()); });
    connect(m_kindBox, &QComboBox::activated, this, [this] {
        m_model->setKind(static_cast<CandidateTableModel::Kind>(m_kindBox->currentData().toInt()));
    });
    connect(m_statusBox, &QComboBox::activated, this, [this] {
        const int v = m_statusBox->currentData().toInt();
        m_model->setStatusFilter(v < 0 ? std::nullopt
                                       : std::optional<ReviewStatus>(static_cast<ReviewStatus>(v)));
    });
    connect(m_review, &ReviewKeeper::changed, this, [this] {
        updateReview();
        applyHighlight();
    });
    connect(session, &DatasetSession::opened, this, &CandidatesPanel::refillClasses);
    connect(session, &DatasetSession::classesChanged, this, &CandidatesPanel::refillClasses);
    connect(session, &DatasetSession::cleared, this, [this] {
        m_chosen.reset();
        m_decided.clear();
        refillClasses();
    });
    connect(session, &DatasetSession::scanCompleted, this, &CandidatesPanel::updateCount);
    // The list is rebuilt as candidates arrive; the chosen one stays selected.
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        updateCount();
        updateReview();
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
}

QList<QAction*> CandidatesPanel::reviewActions() const {
    return actions();
}

void CandidatesPanel::updateReview() {
    m_chooseDb->setEnabled(m_review->canChooseDatabase());
    m_defaultDb->setEnabled(m_review->canChooseDatabase() &&
                            !m_session->reviewDatabase().isEmpty());
    const CandidateStore& store = m_session->candidates();
    if (!m_session->isOpen() || m_review->databasePath().isEmpty()) {
        m_reviewLine->clear();
        return;
    }
    if (!m_review->problem().isEmpty()) {
        m_reviewLine->setText(tr("Review is off: %1").arg(m_review->problem()));
        m_reviewLine->setToolTip(m_review->problem());
        return;
    }
    const QString where = m_review->databasePath();
    m_reviewLine->setText(tr("%L1 of %L2 decided").arg(store.decidedCount()).arg(store.size()) +
                          (m_review->inSet() ? QString() : tr(", kept in %1").arg(where)));
    m_reviewLine->setToolTip(tr("Decisions are kept in %1; losslens-cli review and candidates "
                                "--status read and write the same file.")
                                 .arg(where));
}

bool CandidatesPanel::decide(ReviewStatus status) {
    if (!m_chosen || !m_review->mark(m_chosen->entry, m_chosen->id, status))
        return false;
    m_decided.push_back(*m_chosen);
    nextUndecided();
    return true;
}

bool CandidatesPanel::undo() {
    if (m_decided.empty() || !m_review->undo())
        return false;
    const Chosen back = m_decided.back();
    m_decided.pop_back();
    if (const int row = m_model->rowOf(back.entry, back.id); row >= 0)
        choose(row);
    return true;
}

bool CandidatesPanel::nextUndecided() {
    const int rows = m_model->rowCount();
    if (rows == 0)
        return false;
    const int from = m_chosen ? m_model->rowOf(m_chosen->entry, m_chosen->id) : -1;
    for (int step = 1; step <= rows; ++step) {
        const int row = (from + step + rows) % rows;
        const Candidate* c = m_model->candidateAt(row);
        if (c && c->status == ReviewStatus::Undecided && row != from) {
            choose(row);
            return true;
        }
    }
    return false;
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
        // The viewer's copy has no status: the store's candidate carries the decision.
        const Candidate* kept = m_session->candidates().find(m_chosen->entry, c.id);
        const ReviewStatus status = kept ? kept->status : ReviewStatus::Undecided;
        const QColor color = reviewStatusColor(status);
        const bool dashed = status == ReviewStatus::Undecided;
        m_view->canvas()->setHighlight(outline, color, dashed);
        m_view->sideCanvas()->setHighlight(outline, color, dashed);
        if (!m_chosen->focused) {
            m_chosen->focused = true;
            m_view->canvas()->focusOn(QRectF(c.bbox.x, c.bbox.y, c.bbox.w, c.bbox.h));
        }
        return;
    }
}

void CandidatesPanel::chooseDatabase() {
    const QString chosen = QFileDialog::getSaveFileName(
        this, tr("Keep this set's review decisions in"), m_review->databasePath(),
        tr("SQLite databases (*.sqlite);;All files (*)"), nullptr,
        QFileDialog::DontConfirmOverwrite);
    if (!chosen.isEmpty())
        m_review->useDatabase(chosen);
}

} // namespace losslens
