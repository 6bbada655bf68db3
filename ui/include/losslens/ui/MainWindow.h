#pragma once

#include "losslens/ui/LayerImages.h"
#include "losslens/ui/LayerRenderer.h"
#include "losslens/ui/SampleData.h"
#include "losslens/ui/SampleListPanel.h"
#include "losslens/ui/ViewSettings.h"

#include <QMainWindow>
#include <QString>

class QAction;
class QLabel;
class QMenu;
class QSortFilterProxyModel;
class QTableView;

namespace losslens {

class Canvas;
class ColorBar;
class DatasetSession;
class DetailsPanel;
class RecentFoldersMenu;
class ExportController;
class LayersPanel;
class PlotsPanel;
class ComparisonPanel;
class SampleTableModel;

// The inspector: the sample table, the canvas (optionally two side by side), the layer and
// heatmap controls, the pixel readout, the plots and the exports. Work on data happens in
// DatasetSession off the GUI thread; this class only wires views to it and renders.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens a data set folder (asynchronously) / the built-in demo set.
    void openFolder(const QString& path);
    void openDemo();

    // For tests and scripting: the parts a user sees.
    [[nodiscard]] DatasetSession* session() const { return m_session; }
    [[nodiscard]] SampleTableModel* tableModel() const { return m_model; }
    [[nodiscard]] QSortFilterProxyModel* proxyModel() const { return m_list->proxyModel(); }
    [[nodiscard]] QTableView* tableView() const { return m_list->tableView(); }
    [[nodiscard]] SampleListPanel* sampleList() const { return m_list; }
    [[nodiscard]] Canvas* canvas() const { return m_canvas; }
    [[nodiscard]] const ViewSettings& viewSettings() const { return m_settings; }
    void setViewSettings(const ViewSettings& settings);
    [[nodiscard]] SampleDataPtr currentSample() const { return m_current; }
    [[nodiscard]] const LayerImages& layerImages() const { return m_renderer.layers(); }
    // The current sample composed as shown, every pixel at 1:1 (what an export writes).
    [[nodiscard]] QImage compositeImage() const;
    [[nodiscard]] QString pixelReadout() const;
    [[nodiscard]] QString detailsText() const;
    [[nodiscard]] ValueRange currentRange() const;
    void showPixel(int x, int y);
    void selectEntry(std::size_t entry);
    void flipVariant();
    void setSideBySide(bool on);
    [[nodiscard]] Canvas* sideCanvas() const { return m_sideCanvas; }
    [[nodiscard]] ComparisonPanel* comparisonPanel() const { return m_comparison; }

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void buildActions();
    void buildDocks();
    void restoreSettings();
    void saveSettings() const;
    void onOpened(bool ok, const QString& message);
    void onSampleReady(const SampleDataPtr& data);
    void onSampleFailed(qulonglong entry, const QString& file, const QString& message);
    void onCurrentEntryChanged(std::size_t entry);
    void onSettingsEdited();
    void render();
    void updateColorBar();
    void updateSideBySide();

    DatasetSession* m_session = nullptr;
    SampleTableModel* m_model = nullptr;
    ExportController* m_export = nullptr;
    SampleListPanel* m_list = nullptr;
    Canvas* m_canvas = nullptr;
    Canvas* m_sideCanvas = nullptr;
    ColorBar* m_colorBar = nullptr;
    LayersPanel* m_layersPanel = nullptr;
    PlotsPanel* m_plots = nullptr;
    ComparisonPanel* m_comparison = nullptr;
    QLabel* m_readout = nullptr;
    DetailsPanel* m_details = nullptr;
    QLabel* m_statusPixel = nullptr;
    RecentFoldersMenu* m_recentMenu = nullptr;
    QMenu* m_viewMenu = nullptr;
    QAction* m_sideBySide = nullptr;

    ViewSettings m_settings;
    SampleDataPtr m_current;
    LayerRenderer m_renderer;        // the main canvas's layers
    LayerRenderer m_partnerRenderer; // the side-by-side canvas's
    int m_hoverX = -1;
    int m_hoverY = -1;
};

} // namespace losslens
