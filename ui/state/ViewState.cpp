#include "state/ViewState.h"

namespace losslens {

ViewState::ViewState(QObject* parent)
    : QObject(parent) {}

void ViewState::setSettings(const ViewSettings& settings) {
    m_settings = settings;
    emit settingsChanged();
}

void ViewState::setHeatmap(const HeatmapSource& source) {
    ViewSettings s = m_settings;
    s.heatmap = source;
    setSettings(s);
}

void ViewState::setSideBySide(bool on) {
    if (on == m_sideBySide)
        return;
    m_sideBySide = on;
    emit sideBySideChanged(on);
}

void ViewState::setVersusRun(const QString& run) {
    if (run == m_versus)
        return;
    m_versus = run;
    emit versusRunChanged(run);
}

} // namespace losslens
