#pragma once

#include "panels/SampleListPanel.h"
#include "render/LayerImages.h"
#include "session/SampleData.h"
#include "state/ViewSettings.h"
#include "view/SampleView.h"

#include <QMainWindow>
#include <QString>

class QAction;
class QLabel;
class QMenu;
class QSortFilterProxyModel;
class QTableView;

namespace losslens {

class Canvas;
class DatasetSession;
class DetailsPanel;
class DockColumn;
class RecentFoldersMenu;
class ExportController;
class SetExport;
class LayersPanel;
class PlotsPanel;
class ComparisonPanel;
class CandidatesPanel;
class PixelPanel;
class RunScores;
class ViewState;
class SampleTableModel;
class SampleView;
class SetWatcher;

// The inspector's composition root: the session, the central SampleView and the docks
// (samples, details, layers, pixel, plots, compare), each handed the session (or the view)
// and following it itself; the menus and toolbar; window state. Work on data happens in
// DatasetSession off the GUI thread.

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a data set folder (asynchronously) / the built-in demo set.
    void openFolder(const QString& path);
    void openDemo();
    // The same as a user's open (the command line, the menu, a drop): once the scan has
    // scored the set, the window turns to where the story is (the sample with the largest
    // Std - Part, side by side), unless the user has moved on meanwhile.
    void openFolderAsUser(const QString& path);

    // The open set and its work (the command line sets its limits and review database).
    [[nodiscard]] DatasetSession* session() const { return m_session; }

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void selectEntry(std::size_t entry);
    void flipVariant();
    void buildActions();
    // The actions the toolbar shows, made by the menus.
    struct FileActions {
        QAction* open;
        QAction* exportCurrent;
    };
    struct ViewActions {
        QAction* zoomIn;
        QAction* zoomOut;
        QAction* fit;
        QAction* actual;
        QAction* flip;
    };
    [[nodiscard]] FileActions buildFileMenu();
    [[nodiscard]] ViewActions buildViewMenu();
    void buildHelpMenu();
    void buildToolBar(const FileActions& file, const ViewActions& view);
    void buildDocks();
    void restoreSettings();
    // The window within its screen's available geometry (a saved geometry from a larger
    // screen too).
    void fitToScreen();
    void turnToTheStory();
    void saveSettings() const;
    void onOpened(bool ok, const QString& message);
    void onSampleReady(const SampleDataPtr& data);
    void onCurrentEntryChanged(std::size_t entry);

    DatasetSession* m_session = nullptr;
    SampleTableModel* m_model = nullptr;
    ViewState* m_state = nullptr;
    bool m_geometryRestored = false;
    bool m_firstSight = false;    // turn to the story once this open is scored
    std::size_t m_firstEntry = 0; // the entry shown on opening
    RunScores* m_runScores = nullptr;
    ExportController* m_export = nullptr;
    SetExport* m_setExport = nullptr;
    SetWatcher* m_watcher = nullptr;
    SampleView* m_view = nullptr;
    SampleListPanel* m_list = nullptr;
    LayersPanel* m_layersPanel = nullptr;
    PlotsPanel* m_plots = nullptr;
    ComparisonPanel* m_comparison = nullptr;
    PixelPanel* m_readout = nullptr;
    CandidatesPanel* m_candidates = nullptr;
    DetailsPanel* m_details = nullptr;
    QLabel* m_statusPixel = nullptr;
    RecentFoldersMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QAction* m_sideBySide = nullptr;
    DockColumn* m_docks = nullptr;
};

} // namespace losslens
