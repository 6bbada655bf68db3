#include "window/ScanProgress.h"

#include "session/DatasetSession.h"

#include <algorithm>

namespace losslens {

void ScanProgress::fitText(int total) {
    const int width = fontMetrics().horizontalAdvance(tr("scoring %1 / %1").arg(total)) + 24;
    setFixedWidth(std::max(width, 120));
}

ScanProgress::ScanProgress(DatasetSession* session, QWidget* parent)
    : QProgressBar(parent) {
    setFormat(tr("scoring %v / %m"));
    // Wide enough for its text at the largest count it shows (set when a set opens).
    fitText(99999);
    setToolTip(tr("Samples scored in the background for the table and plots"));
    hide();
    connect(session, &DatasetSession::opened, this, [this, session](bool ok) {
        if (!ok)
            return;
        const int total = static_cast<int>(session->dataset()->completeCount());
        setMaximum(total);
        fitText(total);
        setValue(0);
        show();
    });
    connect(session, &DatasetSession::scanProgress, this, [this](int done, int total) {
        setMaximum(std::max(total, 1));
        setValue(done);
        setVisible(done < total);
    });
    connect(session, &DatasetSession::scanCompleted, this, &QWidget::hide);
}

} // namespace losslens
