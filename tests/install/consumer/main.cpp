// The spec's worked example (section 1) through an installed losslens::core: one pixel,
// p = (0.1, 0.2, 0.6, 0.1), y = 0, class 2 without pixels: standard -log 0.1, partial 0.
#include <losslens/loss/LossComputer.h>

#include <cmath>
#include <cstdio>

int main() {
    losslens::LabelMap labels(1, 1);
    labels.at(0, 0) = 0;
    losslens::Prediction prediction(1, 1, 4);
    const float p[] = {0.1f, 0.2f, 0.6f, 0.1f};
    for (int c = 0; c < 4; ++c)
        prediction.at(0, 0, c) = p[c];
    const losslens::LossResult r = losslens::computeLoss(labels, prediction);
    const double standard = r.map("standard").at(0, 0);
    const double partial = r.map("partial").at(0, 0);
    std::printf("standard %.6f partial %.6f\n", standard, partial);
    return std::abs(standard - 2.302585) < 1e-5 && partial == 0.0 ? 0 : 1;
}
