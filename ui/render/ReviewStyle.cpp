#include "render/ReviewStyle.h"

#include <QCoreApplication>

namespace losslens {

QColor reviewStatusColor(ReviewStatus status) {
    switch (status) {
    case ReviewStatus::Confirmed:
        return {0, 158, 96}; // green: an annotation is missing, to be drawn
    case ReviewStatus::Rejected:
        return {120, 120, 120}; // grey: nothing there
    case ReviewStatus::Unsure:
        return {230, 145, 0}; // amber: look again
    case ReviewStatus::Undecided:
        break;
    }
    return {220, 20, 60}; // the candidates' own crimson
}

QString reviewStatusMark(ReviewStatus status) {
    switch (status) {
    case ReviewStatus::Confirmed:
        return QStringLiteral("\u2714");
    case ReviewStatus::Rejected:
        return QStringLiteral("\u2718");
    case ReviewStatus::Unsure:
        return QStringLiteral("?");
    case ReviewStatus::Undecided:
        break;
    }
    return QStringLiteral("\u00b7");
}

QString reviewStatusLabel(ReviewStatus status) {
    switch (status) {
    case ReviewStatus::Confirmed:
        return QCoreApplication::translate("Review", "Confirmed");
    case ReviewStatus::Rejected:
        return QCoreApplication::translate("Review", "Rejected");
    case ReviewStatus::Unsure:
        return QCoreApplication::translate("Review", "Unsure");
    case ReviewStatus::Undecided:
        break;
    }
    return QCoreApplication::translate("Review", "Undecided");
}

} // namespace losslens
