#pragma once

#include <QMainWindow>
#include <QString>

namespace losslens {

// The inspector's top-level window.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace losslens
