#include "losslens/candidates/Candidate.h"

namespace losslens {

bool rankedBefore(const Candidate& a, const Candidate& b) {
    if (a.score() != b.score())
        return a.score() > b.score();
    if (a.stem != b.stem)
        return a.stem < b.stem;
    if (a.firstPixel != b.firstPixel)
        return a.firstPixel < b.firstPixel;
    return a.run < b.run;
}

} // namespace losslens
