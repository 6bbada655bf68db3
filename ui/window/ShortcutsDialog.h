#pragma once

#include <QDialog>
#include <QList>
#include <QString>

#include <vector>

class QAction;
class QMenuBar;

namespace losslens {

// One line of Help > Keyboard shortcuts.
struct ShortcutRow {
    QString keys;   // "Ctrl+O, O" in the platform's native form
    QString action; // the menu text without its mnemonic
    QString menu;   // the menu it lives in ("" for the canvas's own keys)
};

// Every action reachable from the menu bar that has a shortcut, in menu order, then a
// panel's own keys (`panelActions`, shown as living in `panel`: the Candidates tab's review
// keys), then the canvas's keys and mouse gestures: generated from the actions themselves,
// so the list cannot fall behind the menus.
[[nodiscard]] std::vector<ShortcutRow> shortcutRows(const QMenuBar* menuBar,
                                                    const QList<QAction*>& panelActions = {},
                                                    const QString& panel = {});

// Help > Keyboard shortcuts: the rows above in a read-only table.
class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    ShortcutsDialog(const QMenuBar* menuBar, QWidget* parent = nullptr,
                    const QList<QAction*>& panelActions = {}, const QString& panel = {});
};

} // namespace losslens
