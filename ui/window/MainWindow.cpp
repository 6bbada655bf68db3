// About 450 lines, on purpose: the composition root, where every part is made and wired
// (the docks, menus, toolbar and what a set's opening does to them). The parts' own logic
// lives in their classes; placement is WindowPlacement, the first sight FirstSight.
#include "window/MainWindow.h"
#include "render/AppIcons.h"
#include "session/ThreadPool.h"
#include "window/WindowPlacement.h"

#include "losslens/demo/DemoDataset.h"
#include "panels/CandidatesPanel.h"
#include "panels/ComparisonPanel.h"
#include "panels/DetailsPanel.h"
#include "panels/DockColumn.h"
#include "panels/LayersPanel.h"
#include "panels/PixelPanel.h"
#include "panels/PlotsPanel.h"
#include "panels/SampleListPanel.h"
#include "panels/SampleTableModel.h"
#include "render/SampleDetails.h"
#include "session/DatasetSession.h"
#include "session/ReviewExport.h"
#include "session/RunScores.h"
#include "session/SetWatcher.h"
#include "session/VersusSample.h"
#include "state/ViewSettingsStore.h"
#include "state/ViewState.h"
#include "view/Canvas.h"
#include "view/SampleView.h"
#include "window/ExportController.h"
#include "window/FirstSight.h"
#include "window/RecentFoldersMenu.h"
#include "window/ScanProgress.h"
#include "window/SetExport.h"
#include "window/ShortcutsDialog.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QToolBar>

namespace losslens {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("LossLens"));
    setWindowIcon(appIcon());
    setAcceptDrops(true);
    setDockNestingEnabled(true);

    m_session = new DatasetSession(this);
    m_state = new ViewState(this);
    m_runScores = new RunScores(m_session, m_state, this);
    m_model = new SampleTableModel(m_session, m_runScores, this);
    m_watcher = new SetWatcher(m_session, this);

    m_view = new SampleView(m_session, m_state, this);
    m_export = new ExportController(m_view, this);
    m_setExport = new SetExport(m_session, m_view, this);
    setCentralWidget(m_view);

    // The pixel readout is a permanent widget: a status message never hides it.
    m_statusPixel = new QLabel(this);
    m_statusPixel->setMinimumWidth(
        m_statusPixel->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 60);
    m_statusPixel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addPermanentWidget(m_statusPixel);
    statusBar()->addPermanentWidget(new ScanProgress(m_session, this));

    buildDocks();
    buildActions();

    connect(m_session, &DatasetSession::opened, this, &MainWindow::onOpened);
    connect(m_session, &DatasetSession::classesChanged, this,
            [this] { m_layersPanel->setClasses(m_session->classes(), m_view->settings()); });
    connect(m_session, &DatasetSession::sampleReady, this, &MainWindow::onSampleReady);
    connect(m_session, &DatasetSession::setChanged, m_list, &SampleListPanel::refreshSort);
    connect(m_runScores, &RunScores::scoresChanged, m_list, &SampleListPanel::refreshSort);
    connect(m_session, &DatasetSession::scanCompleted, this, [this] {
        statusBar()->showMessage(m_session->scanReport(), 5000);
        turnToTheStory();
    });
    const auto showStatus = [this](const QString& text) { statusBar()->showMessage(text, 10000); };
    connect(m_export, &ExportController::message, this, showStatus);
    connect(m_setExport, &SetExport::message, this, showStatus);
    // The layer controls and the view edit one ViewSettings: each tells the other.
    connect(m_layersPanel, &LayersPanel::changed, this, [this] {
        ViewSettings settings = m_view->settings();
        m_layersPanel->store(settings);
        m_view->setSettings(settings);
    });
    connect(m_view, &SampleView::settingsChanged, this,
            [this] { m_layersPanel->load(m_view->settings()); });
    connect(m_readout, &PixelPanel::statusText, m_statusPixel, &QLabel::setText);

    restoreSettings();
    fitToScreen();
    m_layersPanel->load(m_view->settings());
    m_view->showMessage(tr("Open a data set folder (Ctrl+O), or drop one here."));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks() {
    m_docks = new DockColumn(this);
    m_list = new SampleListPanel(m_session, m_model);
    connect(m_list, &SampleListPanel::currentEntryChanged, this,
            &MainWindow::onCurrentEntryChanged);
    m_docks->setTop(tr("Samples"), QStringLiteral("samplesDock"), m_list);
    m_details = new DetailsPanel(m_session, m_list);
    m_docks->addTab(tr("Details"), QStringLiteral("detailsDock"), m_details, false);
    m_layersPanel = new LayersPanel;
    m_docks->addTab(tr("Layers"), QStringLiteral("layersDock"), m_layersPanel, true);
    m_readout = new PixelPanel(m_view);
    m_docks->addTab(tr("Pixel"), QStringLiteral("pixelDock"), m_readout, true);
    m_candidates = new CandidatesPanel(m_session, m_view);
    connect(m_candidates, &CandidatesPanel::entryRequested, this, &MainWindow::selectEntry);
    connect(m_candidates->reviewExport(), &ReviewExport::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 10000); });
    m_docks->addTab(tr("Candidates"), QStringLiteral("candidatesDock"), m_candidates, false)
        ->setToolTip(tr("Where an annotation is probably missing: objects the model finds in "
                        "background-labelled pixels, over the set, best first"));
    m_plots = new PlotsPanel(m_session, m_runScores);
    connect(m_plots, &PlotsPanel::entryClicked, this, &MainWindow::selectEntry);
    m_docks->addTab(tr("Plots"), QStringLiteral("plotsDock"), m_plots, true);
    m_comparison = new ComparisonPanel(m_session, m_runScores);
    // Not in a scroll area: its table and chart scroll themselves (one scroll bar, not two).
    m_docks->addTab(tr("Compare"), QStringLiteral("compareDock"), m_comparison, false)
        ->setToolTip(tr("Compare variants: set means and per-class shares"));
    m_docks->finish();

    m_viewMenu = new QMenu(tr("&View"), this);
    m_docks->addToMenu(m_viewMenu);
    m_viewMenu->addSeparator();
}

// The menus, then the toolbar from their actions.
void MainWindow::buildActions() {
    const FileActions file = buildFileMenu();
    const ViewActions view = buildViewMenu();
    buildHelpMenu();
    buildToolBar(file, view);
}

MainWindow::FileActions MainWindow::buildFileMenu() {
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open =
        file->addAction(toolbarIcon(QStringLiteral("open"), QStringLiteral("document-open")),
                        tr("&Open folder…"), this, [this] {
                            const QString dir = QFileDialog::getExistingDirectory(
                                this, tr("Open a data set folder"));
                            if (!dir.isEmpty())
                                openFolderAsUser(dir);
                        });
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open a data set folder (labels/, predictions/, images/)"));
    auto* demo = file->addAction(tr("Open the &demo set"), this, &MainWindow::openDemo);
    demo->setToolTip(tr("The built-in synthetic set with two missing annotations"));
    m_recentMenu = new RecentFoldersMenu(this);
    connect(m_recentMenu, &RecentFoldersMenu::folderChosen, this, &MainWindow::openFolderAsUser);
    file->addMenu(m_recentMenu);
    file->addSeparator();
    auto* exportCurrent = file->addAction(
        toolbarIcon(QStringLiteral("export"), QStringLiteral("document-export")),
        tr("&Export current sample…"), m_export, &ExportController::exportCurrentInteractive);
    exportCurrent->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportCurrent->setToolTip(
        tr("Heatmaps, the composite as shown and raw .npy maps of this sample"));
    auto* exportSet =
        file->addAction(tr("Export &whole set…"), m_setExport, &SetExport::exportInteractive);
    exportSet->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportSet->setToolTip(tr("The same export as losslens-cli export, in the background"));
    file->addActions(m_candidates->reviewExport()->actions());
    file->addActions(m_candidates->databaseActions());
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    return {open, exportCurrent};
}

MainWindow::ViewActions MainWindow::buildViewMenu() {
    menuBar()->addMenu(m_viewMenu);
    Canvas* canvas = m_view->canvas();
    auto* zoomIn = m_viewMenu->addAction(tr("Zoom &in"), canvas, &Canvas::zoomIn);
    zoomIn->setShortcuts(
        {QKeySequence::ZoomIn, QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal)});
    auto* zoomOut = m_viewMenu->addAction(tr("Zoom &out"), canvas, &Canvas::zoomOut);
    zoomOut->setShortcuts({QKeySequence::ZoomOut, QKeySequence(Qt::Key_Minus)});
    auto* fit = m_viewMenu->addAction(tr("&Fit to window"), canvas, &Canvas::fitToWindow);
    fit->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_0), QKeySequence(Qt::Key_F)});
    auto* actual = m_viewMenu->addAction(tr("&Actual size (1:1)"), canvas, &Canvas::actualSize);
    actual->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_1), QKeySequence(Qt::Key_1)});
    m_viewMenu->addSeparator();
    auto* flip =
        m_viewMenu->addAction(tr("Flip standard / partial"), this, &MainWindow::flipVariant);
    flip->setObjectName(QStringLiteral("flipVariant"));
    flip->setShortcut(QKeySequence(Qt::Key_Space));
    flip->setToolTip(
        tr("Switch the heatmap between standard and partial (Space) for A/B comparison"));
    m_sideBySide = m_viewMenu->addAction(tr("&Side by side"));
    m_sideBySide->setObjectName(QStringLiteral("sideBySide"));
    m_sideBySide->setCheckable(true);
    connect(m_sideBySide, &QAction::toggled, m_view, &SampleView::setSideBySide);
    m_sideBySide->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_sideBySide->setToolTip(tr("Show the other variant beside this one, zoom and pan in step"));
    m_viewMenu->addSeparator();
    auto* next = m_viewMenu->addAction(tr("&Next sample"), this, [this] { m_list->step(1); });
    next->setShortcuts({QKeySequence(Qt::Key_PageDown), QKeySequence(Qt::Key_J)});
    next->setToolTip(tr("The next sample in the table's order (PgDn, J; arrows on the canvas)"));
    auto* previous =
        m_viewMenu->addAction(tr("&Previous sample"), this, [this] { m_list->step(-1); });
    previous->setShortcuts({QKeySequence(Qt::Key_PageUp), QKeySequence(Qt::Key_K)});
    previous->setToolTip(tr("The previous sample in the table's order (PgUp, K)"));
    connect(m_view, &SampleView::stepRequested, m_list, &SampleListPanel::step);
    for (QAction* a : {zoomIn, zoomOut, fit, actual, flip, next, previous})
        a->setShortcutContext(Qt::WindowShortcut);
    return {zoomIn, zoomOut, fit, actual, flip};
}

void MainWindow::buildHelpMenu() {
    auto* help = menuBar()->addMenu(tr("&Help"));
    auto* keys = help->addAction(tr("&Keyboard shortcuts"), this, [this] {
        auto* dialog = new ShortcutsDialog(menuBar(), this, m_candidates->reviewActions(),
                                           tr("Candidates tab"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    keys->setShortcuts({QKeySequence::HelpContents, QKeySequence(Qt::Key_Question)});
    help->addAction(tr("&About LossLens"), this, [this] {
        QMessageBox::about(
            this, tr("About LossLens"),
            tr("<h3>LossLens %1</h3><p>An inspector for semantic-segmentation losses with "
               "missing annotations: per-pixel standard and partial cross-entropy, the "
               "background-weight mask, and where penalties are removed.</p>")
                .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::buildToolBar(const FileActions& file, const ViewActions& view) {
    auto* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->addAction(file.open);
    bar->addAction(file.exportCurrent);
    bar->addSeparator();
    view.zoomIn->setIcon(toolbarIcon(QStringLiteral("zoom-in"), QStringLiteral("zoom-in")));
    view.zoomOut->setIcon(toolbarIcon(QStringLiteral("zoom-out"), QStringLiteral("zoom-out")));
    view.fit->setIcon(toolbarIcon(QStringLiteral("fit"), QStringLiteral("zoom-fit-best")));
    view.actual->setIcon(
        toolbarIcon(QStringLiteral("actual-size"), QStringLiteral("zoom-original")));
    view.flip->setIcon(
        toolbarIcon(QStringLiteral("flip"), QStringLiteral("object-flip-horizontal")));
    m_sideBySide->setIcon(
        toolbarIcon(QStringLiteral("side-by-side"), QStringLiteral("view-split-left-right")));
    for (QAction* a : {view.zoomIn, view.zoomOut, view.fit, view.actual, view.flip, m_sideBySide})
        bar->addAction(a);
    for (QAction* a : bar->actions())
        if (a->toolTip().isEmpty())
            a->setToolTip(a->text().remove(QLatin1Char('&')));
}

void MainWindow::openFolder(const QString& path) {
    m_firstSight = false;
    m_view->clear();
    m_model->reset();
    m_view->showMessage(tr("Opening %1…").arg(path));
    m_session->open(path);
    m_model->reset();
}

void MainWindow::openFolderAsUser(const QString& path) {
    openFolder(path);
    m_firstSight = true;
}

void MainWindow::openDemo() {
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    const QString root =
        QDir(cache.isEmpty() ? QDir::tempPath() : cache).filePath(QStringLiteral("demo"));
    m_view->showMessage(tr("Generating the demo set…"));
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, root] {
        const QString error = watcher->result();
        watcher->deleteLater();
        if (!error.isEmpty()) {
            QMessageBox::critical(this, tr("Demo set"), error);
            return;
        }
        openFolderAsUser(root);
    });
    pool::watch(*watcher, pool::run([root]() -> QString {
        try {
            writeDemoDataset(root.toStdString(), DemoOptions{}, true);
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
        return {};
    }));
}

void MainWindow::onOpened(bool ok, const QString& message) {
    m_model->reset();
    if (!ok && m_session->waitingForPredictions()) {
        // A training job's folder before its first predictions: no error to acknowledge;
        // the set watcher opens it again as predictions arrive.
        setWindowTitle(
            QStringLiteral("LossLens — %1").arg(QDir::toNativeSeparators(m_session->path())));
        m_view->showMessage(
            tr("Waiting for predictions.\n\n%1 has %2 label map(s) but no prediction yet in "
               "predictions/ (or predictions/<run>/).\nThe window opens the samples as a "
               "training job writes them.")
                .arg(QDir::toNativeSeparators(m_session->path()))
                .arg(m_session->dataset()->entries().size()));
        return;
    }
    if (!ok) {
        m_view->showMessage(message);
        // Window-modal but not blocking: the event loop (and background work) go on.
        auto* box = new QMessageBox(QMessageBox::Critical, tr("Cannot open the data set"), message,
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return;
    }
    setWindowTitle(
        QStringLiteral("LossLens — %1").arg(QDir::toNativeSeparators(m_session->path())));
    m_recentMenu->remember(m_session->path());
    m_layersPanel->setClasses(m_session->classes(), m_view->settings());
    m_list->prepareForNewSet();
    if (const auto& runs = m_session->runs(); runs.size() > 1)
        setWindowTitle(windowTitle() + tr(" — run %1 of %2")
                                           .arg(QString::fromStdString(m_session->dataset()->run()))
                                           .arg(runs.size()));
    if (const auto& warnings = m_session->dataset()->warnings(); !warnings.empty())
        statusBar()->showMessage(tr("%1 (%2 data set warning(s), listed in Details)")
                                     .arg(QString::fromStdString(warnings.front()))
                                     .arg(warnings.size()),
                                 15000);
    // Show the sample that was in view (another run of the same set, or the set reloaded),
    // else the first complete one, at once; the scan fills the table meanwhile.
    const auto& entries = m_session->dataset()->entries();
    if (const auto& stem = m_session->reselectStem()) {
        for (std::size_t i = 0; i < entries.size(); ++i)
            if (entries[i].stem == *stem && entries[i].complete()) {
                m_list->selectEntry(i);
                return;
            }
    }
    m_list->selectFirst([&entries](std::size_t entry) { return entries[entry].complete(); });
    m_firstEntry = m_session->requestedSample();
}

void MainWindow::turnToTheStory() {
    if (!m_firstSight)
        return;
    m_firstSight = false;
    if (m_session->requestedSample() != m_firstEntry)
        return; // the user has chosen a sample meanwhile
    const std::optional<std::size_t> story = storyEntry(m_session->rows());
    if (!story)
        return;
    m_list->selectEntry(*story);
    m_sideBySide->setChecked(true);
    statusBar()->showMessage(
        tr("Showing %1: the sample where the partial loss removes the most penalty, beside "
           "the standard loss")
            .arg(QString::fromStdString(m_session->dataset()->entries()[*story].stem)),
        15000);
}

void MainWindow::selectEntry(std::size_t entry) {
    m_list->selectEntry(entry);
}

void MainWindow::onCurrentEntryChanged(std::size_t entry) {
    m_session->requestSample(entry);
}

void MainWindow::onSampleReady(const SampleDataPtr& ready) {
    if (static_cast<int>(m_session->classes().size()) != ready->sample.prediction.classes())
        // The class count is known once a sample is loaded (no dataset.json classes).
        m_layersPanel->setClasses(ready->sample.classes, m_view->settings());
}

void MainWindow::flipVariant() {
    statusBar()->showMessage(m_view->flipVariant(), 3000);
}

void MainWindow::fitToScreen() {
    const QScreen* target = screen();
    if (target == nullptr)
        return;
    const QRect fitted =
        windowPlacement(m_geometryRestored ? std::optional<QRect>(geometry()) : std::nullopt,
                        target->availableGeometry());
    resize(fitted.size());
    move(fitted.topLeft());
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    m_docks->sizeOnFirstShow(); // dock sizes follow the window's size on screen
}

void MainWindow::restoreSettings() {
    QSettings s;
    m_geometryRestored = restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    m_docks->restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_view->setSettings(loadViewSettings(s, m_view->settings()));
    m_recentMenu->rebuild();
}

void MainWindow::saveSettings() const {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), m_docks->saveState());
    saveViewSettings(s, m_view->settings());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveSettings();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) {
        const auto urls = event->mimeData()->urls();
        if (!urls.isEmpty() && urls.front().isLocalFile() &&
            QFileInfo(urls.front().toLocalFile()).isDir())
            event->acceptProposedAction();
    }
}

void MainWindow::dropEvent(QDropEvent* event) {
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty())
        openFolderAsUser(urls.front().toLocalFile());
}

} // namespace losslens
