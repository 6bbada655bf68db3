#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <vector>

class QDockWidget;
class QMainWindow;
class QMenu;
class QWidget;

namespace losslens {

// The window's dock layout: one column at the left, the sample list on top and one tab
// group below it for every other panel, so the canvas keeps most of the width (about two
// thirds at 1600 px) and each panel gets the whole column to be read in. It owns what a
// layout needs (the default to reset to, sizes that follow the window, a version so a
// layout saved by older docks is not restored over new ones); the window only hands it the
// panels.
class DockColumn : public QObject {
    Q_OBJECT
public:
    explicit DockColumn(QMainWindow* window);

    // The top dock, then the tabs in order (the first one raised). `scrolled` puts the
    // panel in a scroll area, so its content (a long class list, a 21-class readout, two
    // charts) never grows the dock.
    QDockWidget* setTop(const QString& title, const QString& name, QWidget* panel);
    QDockWidget* addTab(const QString& title, const QString& name, QWidget* panel, bool scrolled);
    // Call once every dock is in: records the default layout.
    void finish();
    // Adds each dock's show/hide action and View > Reset layout to the menu.
    void addToMenu(QMenu* menu);

    [[nodiscard]] QByteArray saveState() const;
    // False when the state is missing or from another layout version (the default stays).
    bool restoreState(const QByteArray& state);
    // The default layout at the window's present size.
    void reset();
    // The column 30% of the window (380-560 px), the list a little over half its height;
    // once, after the first show, unless a saved layout was restored.
    void sizeOnFirstShow();

private:
    void applyDefaultSizes();

    QMainWindow* m_window;
    QDockWidget* m_top = nullptr;
    std::vector<QDockWidget*> m_tabs;
    QByteArray m_default;
    bool m_restored = false;
    bool m_sized = false;
};

} // namespace losslens
