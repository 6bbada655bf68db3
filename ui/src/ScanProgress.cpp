#include "losslens/ui/ScanProgress.h"

#include "losslens/ui/DatasetSession.h"

#include <algorithm>

namespace losslens {

ScanProgress::ScanProgress(DatasetSession* session, QWidget* parent)
    : QProgressBar(parent) {
    setMaximumWidth(220);
    setFormat(tr("scoring %v / %m"));
    setToolTip(tr("Samples scored in the background for the table and plots"));
    hide();
    connect(session, &DatasetSession::opened, this, [this, session](bool ok) {
        if (!ok)
            return;
        setMaximum(static_cast<int>(session->dataset()->completeCount()));
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
