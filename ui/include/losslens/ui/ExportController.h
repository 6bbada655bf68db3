#pragma once

#include "losslens/ui/SampleData.h"

#include <QImage>
#include <QObject>
#include <QString>

#include <memory>

class QWidget;

namespace losslens {

class Dataset;

// The window's exports: the current sample (heatmap PNG per variant, the composite as
// shown, raw .npy maps) and the whole set through core's exportSet (the same code as
// `losslens-cli export`), in the background with a cancellable progress dialog. Never
// overwrites without asking.
class ExportController : public QObject {
    Q_OBJECT
public:
    explicit ExportController(QWidget* parent);

    // Non-interactive core of "export current sample", used by the dialog flow and tests.
    // Returns the number of files written; throws on I/O errors or (without overwrite)
    // FileExistsError.
    static int exportCurrent(const QString& folder, const SampleData& data, const QImage& composite,
                             int ignoreIndex, float lo, float hi, int colormap, bool overwrite);

public slots:
    void exportCurrentInteractive(const losslens::SampleDataPtr& data, const QImage& composite,
                                  int ignoreIndex, float lo, float hi, int colormap);
    void exportSetInteractive(std::shared_ptr<const losslens::Dataset> dataset, int colormap);

signals:
    void message(const QString& text);

private:
    QWidget* m_parent;
};

} // namespace losslens
