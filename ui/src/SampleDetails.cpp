#include "losslens/ui/SampleDetails.h"

#include "losslens/LossVariant.h"

#include <QObject>

namespace losslens {

QString sampleDetailsHtml(const SampleEntry& e, const DatasetSession::Row& row,
                          const QString& loadError) {
    auto file = [](const std::filesystem::path& p) {
        return p.empty() ? QObject::tr("(none)")
                         : QString::fromStdString(p.string()).toHtmlEscaped();
    };
    QString text =
        QStringLiteral("<b>%1</b><br>").arg(QString::fromStdString(e.stem).toHtmlEscaped());
    text += QObject::tr("label: %1<br>prediction: %2<br>image: %3<br>")
                .arg(file(e.label), file(e.prediction), file(e.image));
    if (row.state == DatasetSession::Row::State::Error)
        text += QObject::tr("<p style='color:#c0392b'><b>Error</b> in %1:<br>%2</p>")
                    .arg(row.errorFile.toHtmlEscaped(), row.errorMessage.toHtmlEscaped());
    else if (!loadError.isEmpty())
        text += QObject::tr("<p style='color:#c0392b'><b>Error</b>: %1</p>")
                    .arg(loadError.toHtmlEscaped());
    if (row.state == DatasetSession::Row::State::Ok) {
        const SampleSummary& s = row.summary;
        text += QObject::tr("valid pixels: %1<br>removed pixels: %2 of %3 background<br>")
                    .arg(s.validPixels)
                    .arg(s.removedPixels)
                    .arg(s.backgroundPixels);
        const auto variants = lossVariants();
        for (std::size_t v = 0; v < s.sums.size() && v < variants.size(); ++v)
            text += QObject::tr("%1 mean: %2<br>")
                        .arg(QString::fromUtf8(variants[v].label.data(),
                                               static_cast<qsizetype>(variants[v].label.size())))
                        .arg(s.mean(v), 0, 'f', 6);
    }
    for (const QString& w : row.warnings)
        text += QObject::tr("<p style='color:#b9770e'>warning: %1</p>").arg(w.toHtmlEscaped());
    return text;
}

} // namespace losslens
