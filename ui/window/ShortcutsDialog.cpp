#include "window/ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QMenu>
#include <QMenuBar>
#include <QTableWidget>
#include <QVBoxLayout>

namespace losslens {

namespace {

QString plain(QString text) {
    return text.remove(QLatin1Char('&')).remove(QStringLiteral("…"));
}

QString keysOf(const QAction* action) {
    QStringList keys;
    for (const QKeySequence& key : action->shortcuts())
        keys << key.toString(QKeySequence::NativeText);
    return keys.join(QStringLiteral(", "));
}

void addRow(const QAction* action, const QString& path, std::vector<ShortcutRow>& rows) {
    if (action->shortcuts().isEmpty())
        return;
    const QString tip = action->toolTip();
    // A button's text is short ("Next"); its tooltip says what it does.
    const QString what = tip.isEmpty() || tip == action->text()
                             ? plain(action->text())
                             : tip.section(QStringLiteral(" ("), 0, 0);
    rows.push_back({keysOf(action), what, path});
}

void collect(const QMenu* menu, const QString& path, std::vector<ShortcutRow>& rows) {
    for (QAction* action : menu->actions()) {
        if (action->menu() != nullptr) {
            collect(action->menu(), path + QStringLiteral(" › ") + plain(action->text()), rows);
            continue;
        }
        if (!action->shortcuts().isEmpty())
            rows.push_back({keysOf(action), plain(action->text()), path});
    }
}

} // namespace

std::vector<ShortcutRow> shortcutRows(const QMenuBar* menuBar, const QList<QAction*>& panelActions,
                                      const QString& panel) {
    std::vector<ShortcutRow> rows;
    if (menuBar != nullptr)
        for (QAction* top : menuBar->actions())
            if (top->menu() != nullptr)
                collect(top->menu(), plain(top->text()), rows);
    for (const QAction* action : panelActions)
        addRow(action, panel, rows);
    const QString canvas = QObject::tr("Canvas");
    rows.push_back({QObject::tr("Up, Left / Down, Right"),
                    QObject::tr("Previous / next sample (canvas focused)"), canvas});
    rows.push_back({QObject::tr("Wheel"), QObject::tr("Zoom about the cursor"), canvas});
    rows.push_back({QObject::tr("Drag"), QObject::tr("Pan"), canvas});
    rows.push_back(
        {QObject::tr("Hover"), QObject::tr("Values under the cursor (status bar, Pixel)"), canvas});
    return rows;
}

ShortcutsDialog::ShortcutsDialog(const QMenuBar* menuBar, QWidget* parent,
                                 const QList<QAction*>& panelActions, const QString& panel)
    : QDialog(parent) {
    setWindowTitle(tr("Keyboard shortcuts"));
    const std::vector<ShortcutRow> rows = shortcutRows(menuBar, panelActions, panel);
    auto* table = new QTableWidget(static_cast<int>(rows.size()), 3, this);
    table->setHorizontalHeaderLabels({tr("Keys"), tr("Action"), tr("Where")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    for (std::size_t r = 0; r < rows.size(); ++r) {
        const int row = static_cast<int>(r);
        table->setItem(row, 0, new QTableWidgetItem(rows[r].keys));
        table->setItem(row, 1, new QTableWidgetItem(rows[r].action));
        table->setItem(row, 2, new QTableWidgetItem(rows[r].menu));
    }
    table->resizeColumnsToContents();
    table->horizontalHeader()->setStretchLastSection(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table);
    layout->addWidget(buttons);
    resize(620, 520);
}

} // namespace losslens
