#pragma once

#include "losslens/candidates/ReviewStatus.h"

#include <QColor>
#include <QString>

namespace losslens {

// How a review decision looks everywhere in the window (the candidates list, the canvas
// outline, the progress line): one colour and one mark per status, so "decided" reads the
// same in every place.
[[nodiscard]] QColor reviewStatusColor(ReviewStatus status);
// A one-character mark for the list: ✔ confirmed, ✘ rejected, ? unsure, · undecided.
[[nodiscard]] QString reviewStatusMark(ReviewStatus status);
// "Confirmed", "Rejected", "Unsure", "Undecided".
[[nodiscard]] QString reviewStatusLabel(ReviewStatus status);

} // namespace losslens
