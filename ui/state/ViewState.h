#pragma once

#include "state/ViewSettings.h"

#include <QObject>
#include <QString>

namespace losslens {

// How the open set is looked at, in one place: the view settings (with the heatmap's
// source), side by side, and the run compared with the one in view (the "vs" run). The
// canvases, the heatmap bar, the layers panel, the exports, the compared run's loader and
// the run scores all read it and follow its signals, so none keeps a copy that can go stale.
class ViewState : public QObject {
    Q_OBJECT
public:
    explicit ViewState(QObject* parent = nullptr);

    [[nodiscard]] const ViewSettings& settings() const { return m_settings; }
    [[nodiscard]] const HeatmapSource& heatmap() const { return m_settings.heatmap; }
    [[nodiscard]] bool sideBySide() const { return m_sideBySide; }
    // Empty: no run compared.
    [[nodiscard]] const QString& versusRun() const { return m_versus; }

    void setSettings(const ViewSettings& settings);
    void setHeatmap(const HeatmapSource& source);
    void setSideBySide(bool on);
    void setVersusRun(const QString& run);

signals:
    void settingsChanged();
    void sideBySideChanged(bool on);
    void versusRunChanged(const QString& run);

private:
    ViewSettings m_settings;
    bool m_sideBySide = false;
    QString m_versus;
};

} // namespace losslens
