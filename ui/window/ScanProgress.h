#pragma once

#include <QProgressBar>

namespace losslens {

class DatasetSession;

// The status bar's "scoring n / N" bar: shown while the session's background scan runs,
// following the session itself.
class ScanProgress : public QProgressBar {
    Q_OBJECT
public:
    explicit ScanProgress(DatasetSession* session, QWidget* parent = nullptr);

private:
    // As wide as its text at this count: no wider (it would push the readout), no narrower.
    void fitText(int total);
};

} // namespace losslens
