#include "render/SampleDetails.h"
#include "state/VariantStyle.h"

#include "losslens/loss/LossVariant.h"

#include <QObject>

#include <algorithm>

namespace losslens {

QString classLabel(int id, const std::vector<ClassInfo>& classes) {
    return id >= 0 && static_cast<std::size_t>(id) < classes.size()
               ? QString::fromStdString(classes[static_cast<std::size_t>(id)].name)
               : QString::number(id);
}

QStringList classNameList(const std::vector<int>& ids, const std::vector<ClassInfo>& classes) {
    QStringList names;
    for (const int c : ids)
        names << classLabel(c, classes);
    return names;
}

namespace {

// A list of classes for a line of text: whole up to `limit` names, else the count and the
// first `limit` (a sample of a 1,203-class set misses nearly all of them).
QString classListText(const std::vector<int>& ids, const std::vector<ClassInfo>& classes,
                      std::size_t limit = 24) {
    if (ids.size() <= limit)
        return classNameList(ids, classes).join(QStringLiteral(", "));
    const std::vector<int> first(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(limit));
    return QObject::tr("%1 classes: %2, … and %3 more")
        .arg(ids.size())
        .arg(classNameList(first, classes).join(QStringLiteral(", ")))
        .arg(ids.size() - limit);
}

} // namespace

QStringList missingExplanation(const SampleEntry& entry, const SampleSummary& summary,
                               const DatasetConfig& config, const std::vector<ClassInfo>& classes) {
    QStringList lines;
    const QString missing =
        summary.missing.empty() ? QObject::tr("none") : classListText(summary.missing, classes);
    if (summary.missingSource == MissingSource::Declared && entry.labelSet &&
        *entry.labelSet < config.labelSets.size()) {
        const auto& set = config.labelSets[*entry.labelSet];
        std::vector<int> annotated = set.annotated;
        std::sort(annotated.begin(), annotated.end());
        annotated.erase(std::unique(annotated.begin(), annotated.end()), annotated.end());
        lines << QObject::tr("Declared in dataset.json, label_sets[%1] (match \"%2\")")
                     .arg(*entry.labelSet)
                     .arg(QString::fromStdString(set.match));
        lines << QObject::tr("Annotated for: %1")
                     .arg(annotated.empty() ? QObject::tr("no object class")
                                            : classListText(annotated, classes));
        if (!set.notExhaustive.empty()) {
            std::vector<int> partly = set.notExhaustive;
            std::sort(partly.begin(), partly.end());
            partly.erase(std::unique(partly.begin(), partly.end()), partly.end());
            lines << QObject::tr("Not exhaustive (missing even with pixels): %1")
                         .arg(classListText(partly, classes));
        }
        lines << (set.notExhaustive.empty()
                      ? QObject::tr("Missing (not annotated, no pixel): %1")
                      : QObject::tr("Missing (not annotated and no pixel, or not exhaustive): %1"))
                     .arg(missing);
    } else {
        lines << QObject::tr("No label_sets entry: every object class with no pixel counts as "
                             "missing (the article's rule)");
        lines << QObject::tr("Missing (no pixel): %1").arg(missing);
    }
    return lines;
}

QString sampleDetailsHtml(const SampleEntry& e, const DatasetSession::Row& row,
                          const QString& loadError, const DatasetConfig& config,
                          const std::vector<ClassInfo>& classes) {
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
        text += QStringLiteral("<p>");
        for (const QString& line : missingExplanation(e, s, config, classes))
            text += line.toHtmlEscaped() + QStringLiteral("<br>");
        text += QStringLiteral("</p>");
        text += QObject::tr("valid pixels: %1<br>removed pixels: %2 of %3 background<br>")
                    .arg(s.validPixels)
                    .arg(s.removedPixels)
                    .arg(s.backgroundPixels);
        const auto variants = lossVariants();
        for (std::size_t v = 0; v < s.sums.size() && v < variants.size(); ++v)
            text += QObject::tr("%1 mean: %2<br>")
                        .arg(toQString(variants[v].label))
                        .arg(s.mean(v), 0, 'f', 6);
    }
    for (const QString& w : row.warnings)
        text += QObject::tr("<p style='color:#b9770e'>warning: %1</p>").arg(w.toHtmlEscaped());
    return text;
}

} // namespace losslens
