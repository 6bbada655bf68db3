#pragma once

// The window the ui tests drive: the MainWindow a user gets, with its parts found as they sit
// in it (by type, or by the name a menu action carries), so MainWindow itself keeps no
// accessors for tests. Each part is the one the window composes: a dock, the central view,
// the session; what the tests do through them (select a row, show a pixel, trigger an
// action) is what the user's clicks do.

#include "panels/ComparisonPanel.h"
#include "panels/DetailsPanel.h"
#include "panels/LayersPanel.h"
#include "panels/PixelPanel.h"
#include "panels/SampleListPanel.h"
#include "panels/SampleTableModel.h"
#include "session/DatasetSession.h"
#include "session/RunScores.h"
#include "session/SetWatcher.h"
#include "view/Canvas.h"
#include "view/SampleView.h"
#include "window/ExportController.h"
#include "window/MainWindow.h"
#include "window/SetExport.h"

#include <QAction>
#include <QSortFilterProxyModel>
#include <QTableView>

#include <cstddef>

namespace losslens::testing {

class TestWindow : public MainWindow {
public:
    using MainWindow::MainWindow;

    // The parts, found in the window.
    [[nodiscard]] SampleTableModel* tableModel() const { return part<SampleTableModel>(); }
    [[nodiscard]] RunScores* runScores() const { return part<RunScores>(); }
    [[nodiscard]] SetWatcher* setWatcher() const { return part<SetWatcher>(); }
    [[nodiscard]] ExportController* exportController() const { return part<ExportController>(); }
    [[nodiscard]] SetExport* setExport() const { return part<SetExport>(); }
    [[nodiscard]] SampleListPanel* sampleList() const { return part<SampleListPanel>(); }
    [[nodiscard]] QSortFilterProxyModel* proxyModel() const { return sampleList()->proxyModel(); }
    [[nodiscard]] QTableView* tableView() const { return sampleList()->tableView(); }
    [[nodiscard]] LayersPanel* layersPanel() const { return part<LayersPanel>(); }
    [[nodiscard]] ComparisonPanel* comparisonPanel() const { return part<ComparisonPanel>(); }
    [[nodiscard]] SampleView* sampleView() const { return part<SampleView>(); }
    [[nodiscard]] Canvas* canvas() const { return sampleView()->canvas(); }
    [[nodiscard]] Canvas* sideCanvas() const { return sampleView()->sideCanvas(); }

    // What the view shows.
    [[nodiscard]] const ViewSettings& viewSettings() const { return sampleView()->settings(); }
    [[nodiscard]] SampleDataPtr currentSample() const { return sampleView()->current(); }
    [[nodiscard]] const LayerImages& layerImages() const { return sampleView()->layerImages(); }
    // The current sample composed as shown, every pixel at 1:1 (what an export writes).
    [[nodiscard]] QImage compositeImage() const { return sampleView()->compositeImage(); }
    [[nodiscard]] ValueRange currentRange() const { return sampleView()->currentRange(); }
    [[nodiscard]] QString pixelReadout() const { return part<PixelPanel>()->text(); }
    [[nodiscard]] QString detailsText() const { return part<DetailsPanel>()->toPlainText(); }

    // What a user does: the layer controls and the view share the settings (the Layers dock
    // follows the view), a row of the sample list, the cursor over a pixel, the View menu.
    void setViewSettings(const ViewSettings& settings) { sampleView()->setSettings(settings); }
    void selectEntry(std::size_t entry) { sampleList()->selectEntry(entry); }
    void showPixel(int x, int y) { part<PixelPanel>()->showPixel(x, y); }
    void flipVariant() { action("flipVariant")->trigger(); }
    void setSideBySide(bool on) { action("sideBySide")->setChecked(on); }

private:
    template <typename T> [[nodiscard]] T* part() const {
        T* found = findChild<T*>();
        Q_ASSERT(found);
        return found;
    }
    [[nodiscard]] QAction* action(const char* name) const {
        auto* found = findChild<QAction*>(QString::fromLatin1(name));
        Q_ASSERT(found);
        return found;
    }
};

} // namespace losslens::testing
