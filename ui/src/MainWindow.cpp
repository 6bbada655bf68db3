#include "losslens/ui/MainWindow.h"
#include "losslens/ui/AppIcons.h"
#include "losslens/ui/VariantStyle.h"

#include "losslens/demo/DemoDataset.h"
#include "losslens/loss/LossVariant.h"
#include "losslens/ui/Canvas.h"
#include "losslens/ui/ColorBar.h"
#include "losslens/ui/ComparisonPanel.h"
#include "losslens/ui/DatasetSession.h"
#include "losslens/ui/DetailsPanel.h"
#include "losslens/ui/ExportController.h"
#include "losslens/ui/LayerRenderer.h"
#include "losslens/ui/LayersPanel.h"
#include "losslens/ui/PixelInfo.h"
#include "losslens/ui/PlotsPanel.h"
#include "losslens/ui/RecentFoldersMenu.h"
#include "losslens/ui/SampleDetails.h"
#include "losslens/ui/SampleListPanel.h"
#include "losslens/ui/SampleTableModel.h"
#include "losslens/ui/ScanProgress.h"
#include "losslens/ui/ViewSettingsStore.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTextEdit>
#include <QToolBar>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>

namespace losslens {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent) {
    setWindowTitle(QStringLiteral("LossLens"));
    setWindowIcon(appIcon());
    setAcceptDrops(true);
    setDockNestingEnabled(true);

    m_session = new DatasetSession(this);
    m_model = new SampleTableModel(m_session, this);
    m_export = new ExportController(this);

    auto* central = new QWidget(this);
    auto* centralLayout = new QHBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    auto* splitter = new QSplitter(Qt::Horizontal, central);
    m_canvas = new Canvas(splitter);
    m_sideCanvas = new Canvas(splitter);
    m_sideCanvas->hide();
    splitter->addWidget(m_canvas);
    splitter->addWidget(m_sideCanvas);
    m_colorBar = new ColorBar(central);
    centralLayout->addWidget(splitter, 1);
    centralLayout->addWidget(m_colorBar);
    setCentralWidget(central);
    connect(m_canvas, &Canvas::viewChanged, m_sideCanvas, &Canvas::setView);
    connect(m_sideCanvas, &Canvas::viewChanged, m_canvas, &Canvas::setView);
    connect(m_canvas, &Canvas::hoveredPixel, this, &MainWindow::showPixel);
    connect(m_sideCanvas, &Canvas::hoveredPixel, this, &MainWindow::showPixel);

    m_statusPixel = new QLabel(this);
    statusBar()->addWidget(m_statusPixel, 1);
    statusBar()->addPermanentWidget(new ScanProgress(m_session, this));

    buildDocks();
    buildActions();

    connect(m_session, &DatasetSession::opened, this, &MainWindow::onOpened);
    connect(m_session, &DatasetSession::sampleReady, this, &MainWindow::onSampleReady);
    connect(m_session, &DatasetSession::sampleFailed, this, &MainWindow::onSampleFailed);
    connect(m_session, &DatasetSession::scanProgress, m_list, &SampleListPanel::refreshSort);
    connect(m_session, &DatasetSession::scanCompleted, this, [this] {
        statusBar()->showMessage(tr("Scored %1 samples").arg(m_session->scannedCount()), 5000);
    });
    connect(m_session, &DatasetSession::rangeChanged, this, [this] {
        if (m_settings.autoRange)
            render();
    });
    connect(m_export, &ExportController::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 10000); });
    connect(m_layersPanel, &LayersPanel::changed, this, &MainWindow::onSettingsEdited);

    resize(1400, 900);
    resizeDocks({findChild<QDockWidget*>(QStringLiteral("samplesDock")),
                 findChild<QDockWidget*>(QStringLiteral("layersDock"))},
                {430, 380}, Qt::Horizontal);
    m_readout->setText(formatPixelInfo(PixelInfo{}, {}));
    restoreSettings();
    m_layersPanel->load(m_settings);
    m_canvas->setMessage(tr("Open a data set folder (Ctrl+O), or drop one here."));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildDocks() {
    auto* listDock = new QDockWidget(tr("Samples"), this);
    listDock->setObjectName(QStringLiteral("samplesDock"));
    m_list = new SampleListPanel(m_session, m_model, listDock);
    connect(m_list, &SampleListPanel::currentEntryChanged, this,
            &MainWindow::onCurrentEntryChanged);
    listDock->setWidget(m_list);
    addDockWidget(Qt::LeftDockWidgetArea, listDock);

    auto* layersDock = new QDockWidget(tr("Layers"), this);
    layersDock->setObjectName(QStringLiteral("layersDock"));
    auto* scroll = new QScrollArea(layersDock);
    m_layersPanel = new LayersPanel(scroll);
    scroll->setWidget(m_layersPanel);
    scroll->setWidgetResizable(true);
    layersDock->setWidget(scroll);
    addDockWidget(Qt::RightDockWidgetArea, layersDock);

    auto* pixelDock = new QDockWidget(tr("Pixel"), this);
    pixelDock->setObjectName(QStringLiteral("pixelDock"));
    m_readout = new QLabel(pixelDock);
    m_readout->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_readout->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_readout->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_readout->setMargin(6);
    m_readout->setToolTip(
        tr("Values under the cursor: classes, probabilities, w0 and each variant's loss"));
    pixelDock->setWidget(m_readout);
    addDockWidget(Qt::RightDockWidgetArea, pixelDock);

    auto* detailsDock = new QDockWidget(tr("Details"), this);
    detailsDock->setObjectName(QStringLiteral("detailsDock"));
    m_details = new DetailsPanel(m_session, m_list, detailsDock);
    detailsDock->setWidget(m_details);
    addDockWidget(Qt::LeftDockWidgetArea, detailsDock);

    auto* plotsDock = new QDockWidget(tr("Plots"), this);
    plotsDock->setObjectName(QStringLiteral("plotsDock"));
    m_plots = new PlotsPanel(m_session, plotsDock);
    plotsDock->setWidget(m_plots);
    addDockWidget(Qt::RightDockWidgetArea, plotsDock);
    tabifyDockWidget(pixelDock, plotsDock);

    auto* compareDock = new QDockWidget(tr("Compare variants"), this);
    compareDock->setObjectName(QStringLiteral("compareDock"));
    m_comparison = new ComparisonPanel(m_session, compareDock);
    compareDock->setWidget(m_comparison);
    addDockWidget(Qt::RightDockWidgetArea, compareDock);
    tabifyDockWidget(plotsDock, compareDock);
    pixelDock->raise();

    m_viewMenu = new QMenu(tr("&View"), this);
    for (QDockWidget* dock : {listDock, detailsDock, layersDock, pixelDock, plotsDock, compareDock})
        m_viewMenu->addAction(dock->toggleViewAction());
    m_viewMenu->addSeparator();
}

void MainWindow::buildActions() {
    auto* file = menuBar()->addMenu(tr("&File"));
    auto* open =
        file->addAction(toolbarIcon(QStringLiteral("open"), QStringLiteral("document-open")),
                        tr("&Open folder…"), this, [this] {
                            const QString dir = QFileDialog::getExistingDirectory(
                                this, tr("Open a data set folder"));
                            if (!dir.isEmpty())
                                openFolder(dir);
                        });
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open a data set folder (labels/, predictions/, images/)"));
    auto* demo = file->addAction(tr("Open the &demo set"), this, &MainWindow::openDemo);
    demo->setToolTip(tr("The built-in synthetic set with two missing annotations"));
    m_recentMenu = new RecentFoldersMenu(this);
    connect(m_recentMenu, &RecentFoldersMenu::folderChosen, this, &MainWindow::openFolder);
    file->addMenu(m_recentMenu);
    file->addSeparator();
    auto* exportCurrent = file->addAction(
        toolbarIcon(QStringLiteral("export"), QStringLiteral("document-export")),
        tr("&Export current sample…"), this, [this] {
            const ValueRange range = currentRange();
            m_export->exportCurrentInteractive(
                m_current, compositeImage(), m_current ? m_current->sample.ignoreIndex : 255,
                range.lo, range.hi, static_cast<int>(m_settings.colormap));
        });
    exportCurrent->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportCurrent->setToolTip(
        tr("Heatmaps, the composite as shown and raw .npy maps of this sample"));
    auto* exportSet = file->addAction(tr("Export &whole set…"), this, [this] {
        m_export->exportSetInteractive(m_session->sharedDataset(),
                                       static_cast<int>(m_settings.colormap));
    });
    exportSet->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    exportSet->setToolTip(tr("The same export as losslens-cli export, in the background"));
    file->addSeparator();
    auto* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    menuBar()->addMenu(m_viewMenu);
    auto* zoomIn = m_viewMenu->addAction(tr("Zoom &in"), m_canvas, &Canvas::zoomIn);
    zoomIn->setShortcuts(
        {QKeySequence::ZoomIn, QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal)});
    auto* zoomOut = m_viewMenu->addAction(tr("Zoom &out"), m_canvas, &Canvas::zoomOut);
    zoomOut->setShortcuts({QKeySequence::ZoomOut, QKeySequence(Qt::Key_Minus)});
    auto* fit = m_viewMenu->addAction(tr("&Fit to window"), m_canvas, &Canvas::fitToWindow);
    fit->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_0), QKeySequence(Qt::Key_F)});
    auto* actual = m_viewMenu->addAction(tr("&Actual size (1:1)"), m_canvas, &Canvas::actualSize);
    actual->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_1), QKeySequence(Qt::Key_1)});
    m_viewMenu->addSeparator();
    auto* flip =
        m_viewMenu->addAction(tr("Flip standard / partial"), this, &MainWindow::flipVariant);
    flip->setShortcut(QKeySequence(Qt::Key_Space));
    flip->setToolTip(
        tr("Switch the heatmap between standard and partial (Space) for A/B comparison"));
    m_sideBySide = m_viewMenu->addAction(tr("&Side by side"));
    m_sideBySide->setCheckable(true);
    connect(m_sideBySide, &QAction::toggled, this, &MainWindow::updateSideBySide);
    m_sideBySide->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_sideBySide->setToolTip(tr("Show the other variant beside this one, zoom and pan in step"));
    for (QAction* a : {zoomIn, zoomOut, fit, actual, flip})
        a->setShortcutContext(Qt::WindowShortcut);

    auto* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About LossLens"), this, [this] {
        QMessageBox::about(
            this, tr("About LossLens"),
            tr("<h3>LossLens %1</h3><p>An inspector for semantic-segmentation losses with "
               "missing annotations: per-pixel standard and partial cross-entropy, the "
               "background-weight mask, and where penalties are removed.</p>")
                .arg(QApplication::applicationVersion()));
    });

    auto* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->addAction(open);
    bar->addAction(exportCurrent);
    bar->addSeparator();
    zoomIn->setIcon(toolbarIcon(QStringLiteral("zoom-in"), QStringLiteral("zoom-in")));
    zoomOut->setIcon(toolbarIcon(QStringLiteral("zoom-out"), QStringLiteral("zoom-out")));
    fit->setIcon(toolbarIcon(QStringLiteral("fit"), QStringLiteral("zoom-fit-best")));
    actual->setIcon(toolbarIcon(QStringLiteral("actual-size"), QStringLiteral("zoom-original")));
    flip->setIcon(toolbarIcon(QStringLiteral("flip"), QStringLiteral("object-flip-horizontal")));
    m_sideBySide->setIcon(
        toolbarIcon(QStringLiteral("side-by-side"), QStringLiteral("view-split-left-right")));
    for (QAction* a : {zoomIn, zoomOut, fit, actual, flip, m_sideBySide})
        bar->addAction(a);
    for (QAction* a : bar->actions())
        if (a->toolTip().isEmpty())
            a->setToolTip(a->text().remove(QLatin1Char('&')));
}

void MainWindow::openFolder(const QString& path) {
    m_current.reset();
    m_renderer.clear();
    m_partnerRenderer.clear();
    m_model->reset();
    m_canvas->setMessage(tr("Opening %1…").arg(path));
    m_session->open(path);
    m_model->reset();
}

void MainWindow::openDemo() {
    const QString cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    const QString root =
        QDir(cache.isEmpty() ? QDir::tempPath() : cache).filePath(QStringLiteral("demo"));
    m_canvas->setMessage(tr("Generating the demo set…"));
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, root] {
        const QString error = watcher->result();
        watcher->deleteLater();
        if (!error.isEmpty()) {
            QMessageBox::critical(this, tr("Demo set"), error);
            return;
        }
        openFolder(root);
    });
    watcher->setFuture(QtConcurrent::run([root]() -> QString {
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
    if (!ok) {
        m_canvas->setMessage(message);
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
    m_layersPanel->setClasses(m_session->classes(), m_settings);
    m_list->prepareForNewSet();
    if (const auto& warnings = m_session->dataset()->warnings(); !warnings.empty())
        statusBar()->showMessage(tr("%1 (%2 data set warning(s), listed in Details)")
                                     .arg(QString::fromStdString(warnings.front()))
                                     .arg(warnings.size()),
                                 15000);
    // Show the first complete sample at once; the scan fills the table meanwhile.
    m_list->selectFirst(
        [this](std::size_t entry) { return m_session->dataset()->entries()[entry].complete(); });
}

void MainWindow::selectEntry(std::size_t entry) {
    m_list->selectEntry(entry);
}

void MainWindow::onCurrentEntryChanged(std::size_t entry) {
    m_session->requestSample(entry);
}

void MainWindow::onSampleReady(const SampleDataPtr& ready) {
    const bool first = !m_current;
    m_current = ready;
    if (m_layersPanel &&
        static_cast<int>(m_session->classes().size()) != ready->sample.prediction.classes())
        // The class count is known once a sample is loaded (no dataset.json classes).
        m_layersPanel->setClasses(ready->sample.classes, m_settings);
    m_renderer.setSample(ready);
    m_partnerRenderer.setSample(ready);
    // The canvases ask for their visible part when they paint, with the settings of then.
    m_canvas->setContent(
        m_renderer.imageSize(),
        [this](const Viewport& v) { return m_renderer.render(v, m_settings, currentRange()); },
        true);
    m_sideCanvas->setContent(
        m_partnerRenderer.imageSize(),
        [this](const Viewport& v) {
            return m_partnerRenderer.render(
                v, LayerRenderer::partnerSettings(m_settings),
                LayerRenderer::partnerRange(m_settings, currentRange()));
        },
        true);
    render();
    if (first)
        m_canvas->fitToWindow();
    if (m_hoverX >= 0)
        showPixel(m_hoverX, m_hoverY);
}

void MainWindow::onSampleFailed(qulonglong entry, const QString& file, const QString& message) {
    if (entry != m_session->requestedSample())
        return;
    m_current.reset();
    m_renderer.clear();
    m_partnerRenderer.clear();
    m_canvas->setMessage(
        tr("This sample cannot be shown.\n\n%1")
            .arg(file.isEmpty() ? message : QStringLiteral("%1:\n%2").arg(file, message)));
    m_sideCanvas->setMessage(QString());
}

ValueRange MainWindow::currentRange() const {
    // Until the scan has reached it, the viewed sample still bounds the range; its maxima
    // are computed once when it arrives, not on every render.
    const float setMax =
        std::max(m_session->setMax(), m_current ? m_current->statistics.maxLoss : 0.0f);
    const std::size_t a = m_settings.differenceA;
    const std::size_t b = m_settings.differenceB;
    const float setDiff =
        std::max(m_session->setMaxDifference(a, b),
                 m_current ? pairEntry(m_current->statistics.maxDifferences, a, b) : 0.0f);
    return heatmapRange(m_settings, setMax, setDiff);
}

QImage MainWindow::compositeImage() const {
    return m_renderer.renderFull(m_settings, currentRange());
}

void MainWindow::render() {
    updateColorBar();
    if (!m_current)
        return;
    m_canvas->refresh();
    m_canvas->setCaption(m_settings.difference
                             ? tr("%1 − %2").arg(variantLabel(m_settings.differenceA),
                                                 variantLabel(m_settings.differenceB))
                             : variantLabel(m_settings.variant));
    if (m_sideBySide && m_sideBySide->isChecked()) {
        m_sideCanvas->refresh();
        m_sideCanvas->setCaption(variantLabel(LayerRenderer::partnerSettings(m_settings).variant));
        m_sideCanvas->setView(m_canvas->zoom(), m_canvas->offset());
    }
}

void MainWindow::updateColorBar() {
    const ValueRange range = currentRange();
    QString title;
    if (m_settings.difference)
        title = tr("A − B");
    else
        title = variantName(std::min(m_settings.variant, lossVariants().size() - 1));
    m_colorBar->setMap(m_settings.difference ? divergingLut() : colormapLut(m_settings.colormap),
                       range.lo, range.hi, title);
    m_layersPanel->setAutoRangeValues(range.lo, range.hi);
}

void MainWindow::onSettingsEdited() {
    m_layersPanel->store(m_settings);
    render();
}

void MainWindow::setViewSettings(const ViewSettings& settings) {
    m_settings = settings;
    m_layersPanel->load(m_settings);
    render();
}

void MainWindow::flipVariant() {
    ViewSettings s = m_settings;
    if (s.difference)
        std::swap(s.differenceA, s.differenceB);
    else
        s.variant = partnerVariant(s.variant);
    setViewSettings(s);
    statusBar()->showMessage(
        s.difference
            ? tr("Difference %1 − %2").arg(variantLabel(s.differenceA), variantLabel(s.differenceB))
            : tr("Heatmap: %1").arg(variantLabel(s.variant)),
        3000);
}

void MainWindow::setSideBySide(bool on) {
    m_sideBySide->setChecked(on);
}

void MainWindow::updateSideBySide() {
    const bool on = m_sideBySide->isChecked();
    m_sideCanvas->setVisible(on);
    if (on) {
        auto* splitter = qobject_cast<QSplitter*>(m_canvas->parentWidget());
        const int half = std::max(1, splitter->width() / 2);
        splitter->setSizes({half, half});
    }
    render();
}

void MainWindow::showPixel(int x, int y) {
    m_hoverX = x;
    m_hoverY = y;
    if (!m_current || x < 0) {
        m_readout->setText(formatPixelInfo(PixelInfo{}, {}));
        m_statusPixel->clear();
        return;
    }
    const PixelInfo info = pixelInfo(*m_current, x, y);
    m_readout->setText(formatPixelInfo(info, m_current->sample.classes));
    if (const QString status = formatStatusLine(info); !status.isEmpty())
        m_statusPixel->setText(status);
}

QString MainWindow::pixelReadout() const {
    return m_readout->text();
}
QString MainWindow::detailsText() const {
    return m_details->toPlainText();
}

void MainWindow::restoreSettings() {
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_settings = loadViewSettings(s, m_settings);
    m_recentMenu->rebuild();
}

void MainWindow::saveSettings() const {
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    saveViewSettings(s, m_settings);
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
        openFolder(urls.front().toLocalFile());
}

} // namespace losslens
