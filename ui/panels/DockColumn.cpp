#include "panels/DockColumn.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QScrollArea>
#include <QTabBar>
#include <QTimer>

#include <algorithm>

namespace losslens {

namespace {
// The tab group's tabs keep their whole names ("Details", not "Det..."): in a narrow column
// the bar scrolls instead of eliding every tab. The main window makes its tab bars as it
// tabifies and restores, so this runs after each.
void tidyTabs(QMainWindow* window) {
    for (QTabBar* bar : window->findChildren<QTabBar*>()) {
        bar->setElideMode(Qt::ElideNone);
        bar->setUsesScrollButtons(true);
        bar->setExpanding(false);
    }
}

// Bumped when the docks change, so an old saved layout does not hide a new dock.
constexpr int kLayoutVersion = 2;
} // namespace

DockColumn::DockColumn(QMainWindow* window)
    : QObject(window)
    , m_window(window) {}

QDockWidget* DockColumn::setTop(const QString& title, const QString& name, QWidget* panel) {
    m_top = addTab(title, name, panel, false);
    m_tabs.pop_back();
    return m_top;
}

QDockWidget* DockColumn::addTab(const QString& title, const QString& name, QWidget* panel,
                                bool scrolled) {
    auto* dock = new QDockWidget(title, m_window);
    dock->setObjectName(name);
    if (scrolled) {
        auto* scroll = new QScrollArea;
        scroll->setWidget(panel);
        scroll->setWidgetResizable(true);
        scroll->setFrameShape(QFrame::NoFrame);
        dock->setWidget(scroll);
    } else {
        dock->setWidget(panel);
    }
    m_window->addDockWidget(Qt::LeftDockWidgetArea, dock);
    m_tabs.push_back(dock);
    return dock;
}

void DockColumn::finish() {
    if (m_top == nullptr || m_tabs.empty())
        return;
    m_window->splitDockWidget(m_top, m_tabs.front(), Qt::Vertical);
    for (std::size_t i = 1; i < m_tabs.size(); ++i)
        m_window->tabifyDockWidget(m_tabs.front(), m_tabs[i]);
    m_tabs.front()->raise();
    tidyTabs(m_window);
    m_default = m_window->saveState(kLayoutVersion);
}

void DockColumn::addToMenu(QMenu* menu) {
    if (m_top != nullptr)
        menu->addAction(m_top->toggleViewAction());
    for (QDockWidget* dock : m_tabs)
        menu->addAction(dock->toggleViewAction());
    menu->addAction(tr("&Reset layout"), this, &DockColumn::reset);
}

QByteArray DockColumn::saveState() const {
    return m_window->saveState(kLayoutVersion);
}

bool DockColumn::restoreState(const QByteArray& state) {
    m_restored = !state.isEmpty() && m_window->restoreState(state, kLayoutVersion);
    tidyTabs(m_window);
    return m_restored;
}

void DockColumn::reset() {
    m_window->restoreState(m_default, kLayoutVersion);
    m_top->show();
    for (QDockWidget* dock : m_tabs)
        dock->show();
    m_tabs.front()->raise();
    applyDefaultSizes();
}

void DockColumn::sizeOnFirstShow() {
    if (m_restored || m_sized)
        return;
    m_sized = true;
    // After the show has settled, when the window's size on screen is known.
    QTimer::singleShot(0, this, &DockColumn::applyDefaultSizes);
}

void DockColumn::applyDefaultSizes() {
    if (m_top == nullptr || m_tabs.empty())
        return;
    tidyTabs(m_window);
    // 42%: at 1366 px the sample table's story columns (name, missing, the two means, their
    // difference, the removed share, candidates) fit without a horizontal scroll bar.
    const int column = std::clamp(m_window->width() * 42 / 100, 380, 680);
    m_window->resizeDocks({m_top}, {column}, Qt::Horizontal);
    const int height = m_window->height();
    m_window->resizeDocks({m_top, m_tabs.front()}, {height * 52 / 100, height * 48 / 100},
                          Qt::Vertical);
}

} // namespace losslens
