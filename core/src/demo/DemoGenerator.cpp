#include "losslens/demo/DemoGenerator.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <stdexcept>

namespace losslens {

namespace {

// Our own conversions on top of mt19937_64 (whose output the standard fixes), so a seed
// gives the same set with every standard library.
std::uint64_t splitmix(std::uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

class Random {
public:
    explicit Random(std::uint64_t seed)
        : m_engine(seed) {}
    double uniform() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    double normal() {
        const double u1 = std::max(uniform(), 1e-300);
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
    }
    std::uint64_t below(std::uint64_t n) { return m_engine() % n; }

private:
    std::mt19937_64 m_engine;
};

// Smooth noise in [-1, 1]-ish: white noise on a coarse grid, upsampled bicubically.
cv::Mat smoothNoise(Random& random, int size, int cells) {
    cv::Mat coarse(cells, cells, CV_32F);
    for (int r = 0; r < cells; ++r)
        for (int c = 0; c < cells; ++c)
            coarse.at<float>(r, c) = static_cast<float>(random.normal());
    cv::Mat fine;
    cv::resize(coarse, fine, cv::Size(size, size), 0, 0, cv::INTER_CUBIC);
    return fine;
}

void validate(const DemoOptions& options) {
    if (options.size < 16 || options.size > 8192)
        throw std::invalid_argument("demo size must be 16 to 8192 pixels, got " +
                                    std::to_string(options.size));
    if (options.count < 1 || options.count > 100000)
        throw std::invalid_argument("demo count must be 1 to 100000, got " +
                                    std::to_string(options.count));
    if (options.missing < 0 || options.missing > 3 * options.count)
        throw std::invalid_argument("demo missing must be 0 to 3 x count (" +
                                    std::to_string(3 * options.count) + "), got " +
                                    std::to_string(options.missing));
}

// What a sample's scene holds in labelSets mode: which objects are in the image and, for
// each absent one, whether the model sees a blob of it somewhere (a false positive), and
// where. Its own random stream, so demoRemovals can ask without rendering the sample.
struct Scene {
    std::array<bool, kDemoClasses> inImage{};
    std::array<bool, kDemoClasses> hallucinated{};
    std::array<cv::Point2d, kDemoClasses> blobCentre{};
};

Scene sceneOf(const DemoOptions& options, int index) {
    Scene scene;
    scene.inImage.fill(true);
    if (!options.labelSets)
        return scene;
    Random random(splitmix(options.seed ^ splitmix(static_cast<std::uint64_t>(index) + 1) ^
                           0x6c6162656c736574ULL));
    const double h = options.size;
    int shown = 0;
    for (int c = 1; c < kDemoClasses; ++c) {
        const auto i = static_cast<std::size_t>(c);
        scene.inImage[i] = random.uniform() >= 0.4;
        shown += scene.inImage[i] ? 1 : 0;
        scene.hallucinated[i] = random.uniform() < 0.6;
        scene.blobCentre[i] = {random.uniform(h / 8, 7 * h / 8), random.uniform(h / 8, 7 * h / 8)};
    }
    if (shown == 0) // every image shows at least one object
        scene.inImage[static_cast<std::size_t>(1 + index % (kDemoClasses - 1))] = true;
    for (int c = 1; c < kDemoClasses; ++c)
        if (scene.inImage[static_cast<std::size_t>(c)])
            scene.hallucinated[static_cast<std::size_t>(c)] = false;
    return scene;
}

} // namespace

std::vector<ClassInfo> demoClasses() {
    return {{"background", {40, 40, 40}},
            {"ellipse", {230, 25, 75}},
            {"rectangle", {60, 180, 75}},
            {"circle", {0, 130, 200}}};
}

namespace {

// The three objects' masks (index = class; 0 stays empty) of a sample of side `s`, jittered
// by `random`. Masks in draw order: later objects cover earlier ones where they overlap.
std::array<cv::Mat, kDemoClasses> demoMasks(Random& random, int s) {
    const double h = s;
    const double jitter = h / 32.0;
    auto jittered = [&](double v) { return v + random.uniform(-jitter, jitter); };
    std::array<cv::Mat, kDemoClasses> masks;
    for (auto& m : masks)
        m = cv::Mat(s, s, CV_8U, cv::Scalar(0));
    const cv::Point2d ellipseCentre(jittered(h / 4), jittered(h / 4)); // (x, y)
    const double angle = random.uniform(0.0, 90.0);
    // The article uses radii H/6 and W/6, a circle on square images; a shorter second
    // axis makes the rotation visible and the ellipse tell apart from the circle.
    cv::ellipse(masks[1], cv::RotatedRect(ellipseCentre, cv::Size2d(h / 3, h / 5), angle),
                cv::Scalar(1), cv::FILLED, cv::LINE_8);
    const cv::Point2d squareCentre(jittered(3 * h / 4), jittered(3 * h / 4));
    const double half = h / 6;
    cv::rectangle(masks[2],
                  cv::Point(static_cast<int>(std::lround(squareCentre.x - half)),
                            static_cast<int>(std::lround(squareCentre.y - half))),
                  cv::Point(static_cast<int>(std::lround(squareCentre.x + half)),
                            static_cast<int>(std::lround(squareCentre.y + half))),
                  cv::Scalar(1), cv::FILLED, cv::LINE_8);
    const cv::Point circleCentre(static_cast<int>(std::lround(jittered(h / 2))),
                                 static_cast<int>(std::lround(jittered(h / 2))));
    cv::circle(masks[3], circleCentre, static_cast<int>(std::lround(h / 6)), cv::Scalar(1),
               cv::FILLED, cv::LINE_8);

    return masks;
}

// The synthetic model: per class a score that is high inside the (visible) object and low
// outside, blurred at the borders, plus smooth and fine noise; then a softmax.
Prediction demoPrediction(Random& random, const LabelMap& labels, const Scene& scene) {
    const int s = labels.width();
    const double h = s;
    const double sigma = std::max(1.0, h / 64.0);
    const int cells = std::max(4, s / 16);
    std::array<cv::Mat, kDemoClasses> scores;
    cv::Mat objects(s, s, CV_32F, cv::Scalar(0));
    for (int c = 1; c < kDemoClasses; ++c) {
        cv::Mat visible(s, s, CV_32F);
        for (int y = 0; y < s; ++y)
            for (int x = 0; x < s; ++x)
                visible.at<float>(y, x) = labels.at(x, y) == c ? 1.0f : 0.0f;
        if (scene.hallucinated[static_cast<std::size_t>(c)]) // a false positive blob
            cv::circle(visible, scene.blobCentre[static_cast<std::size_t>(c)],
                       static_cast<int>(std::lround(h / 14)), cv::Scalar(1.0), cv::FILLED,
                       cv::LINE_8);
        cv::Mat blurred;
        cv::GaussianBlur(visible, blurred, cv::Size(0, 0), sigma);
        objects = cv::max(objects, blurred);
        scores[static_cast<std::size_t>(c)] = 8.0 * (blurred - 0.5);
    }
    scores[0] = 8.0 * (0.5 - objects);
    for (auto& score : scores) {
        score += 1.6 * smoothNoise(random, s, cells);
        cv::Mat fine(s, s, CV_32F);
        for (int y = 0; y < s; ++y)
            for (int x = 0; x < s; ++x)
                fine.at<float>(y, x) = static_cast<float>(0.3 * random.normal());
        score += fine;
    }
    Prediction prediction(s, s, kDemoClasses);
    for (int y = 0; y < s; ++y)
        for (int x = 0; x < s; ++x) {
            float maxScore = scores[0].at<float>(y, x);
            for (int c = 1; c < kDemoClasses; ++c)
                maxScore = std::max(maxScore, scores[static_cast<std::size_t>(c)].at<float>(y, x));
            float total = 0.0f;
            std::array<float, kDemoClasses> e{};
            for (int c = 0; c < kDemoClasses; ++c) {
                e[static_cast<std::size_t>(c)] =
                    std::exp(scores[static_cast<std::size_t>(c)].at<float>(y, x) - maxScore);
                total += e[static_cast<std::size_t>(c)];
            }
            for (int c = 0; c < kDemoClasses; ++c)
                prediction.at(x, y, c) = e[static_cast<std::size_t>(c)] / total;
        }

    return prediction;
}

// A display image: a shaded backdrop and textured objects in muted class colours.
ByteImage demoImage(Random& random, const LabelMap& labels) {
    const int s = labels.width();
    const double h = s;
    const cv::Mat texture = smoothNoise(random, s, std::max(4, s / 8));
    const auto classes = demoClasses();
    ByteImage image(s, s, 3);
    for (int y = 0; y < s; ++y)
        for (int x = 0; x < s; ++x) {
            const int label = labels.at(x, y);
            const double t = 12.0 * static_cast<double>(texture.at<float>(y, x));
            std::array<double, 3> rgb{};
            if (label == 0) {
                const double g = 70.0 + 60.0 * (static_cast<double>(y) / h);
                rgb = {g * 0.9, g, g * 1.1};
            } else {
                const auto& col = classes[static_cast<std::size_t>(label)].color;
                for (std::size_t i = 0; i < 3; ++i)
                    rgb[i] = 60.0 + 0.6 * col[i];
            }
            for (int i = 0; i < 3; ++i)
                image.at(x, y, i) = static_cast<std::uint8_t>(
                    std::clamp(rgb[static_cast<std::size_t>(i)] + t, 0.0, 255.0));
        }
    return image;
}

} // namespace

DemoSample generateDemoSample(const DemoOptions& options, int index) {
    validate(options);
    const int s = options.size;
    Random random(splitmix(options.seed ^ splitmix(static_cast<std::uint64_t>(index) + 1)));
    std::array<cv::Mat, kDemoClasses> masks = demoMasks(random, s);
    const Scene scene = sceneOf(options, index);
    for (int c = 1; c < kDemoClasses; ++c)
        if (!scene.inImage[static_cast<std::size_t>(c)])
            masks[static_cast<std::size_t>(c)].setTo(0);

    DemoSample sample;
    for (int c = 1; c < kDemoClasses; ++c)
        if (!scene.inImage[static_cast<std::size_t>(c)])
            sample.absent.push_back(c);
    char stem[32];
    std::snprintf(stem, sizeof stem, "demo_%03d", index);
    sample.stem = stem;
    sample.fullLabels = LabelMap(s, s);
    for (int c = 1; c < kDemoClasses; ++c)
        for (int y = 0; y < s; ++y) {
            const auto* row = masks[static_cast<std::size_t>(c)].ptr<std::uint8_t>(y);
            for (int x = 0; x < s; ++x)
                if (row[x])
                    sample.fullLabels.at(x, y) = static_cast<std::uint16_t>(c);
        }
    sample.labels = sample.fullLabels;

    sample.prediction = demoPrediction(random, sample.fullLabels, scene);
    sample.image = demoImage(random, sample.fullLabels);
    return sample;
}

std::vector<std::vector<int>> demoRemovals(const DemoOptions& options) {
    validate(options);
    // Which annotations go missing: its own random stream, so images and predictions do not
    // depend on `missing`, and K removals are the first K of K + 1. Every sample shows all
    // three objects, so every (sample, object class) pair is a candidate.
    std::vector<std::pair<int, int>> candidates;
    for (int n = 0; n < options.count; ++n) {
        const Scene scene = sceneOf(options, n);
        for (int c = 1; c < kDemoClasses; ++c)
            if (scene.inImage[static_cast<std::size_t>(c)])
                candidates.emplace_back(n, c);
    }
    if (static_cast<std::size_t>(options.missing) > candidates.size())
        throw std::invalid_argument(
            "demo missing must be at most the " + std::to_string(candidates.size()) +
            " objects the images hold, got " + std::to_string(options.missing));
    Random random(splitmix(options.seed ^ 0x6d697373696e67ULL));
    std::vector<std::vector<int>> removals(static_cast<std::size_t>(options.count));
    for (std::size_t i = 0; i < static_cast<std::size_t>(options.missing); ++i) {
        const std::size_t j = i + static_cast<std::size_t>(random.below(candidates.size() - i));
        std::swap(candidates[i], candidates[j]);
        removals[static_cast<std::size_t>(candidates[i].first)].push_back(candidates[i].second);
    }
    for (auto& classes : removals)
        std::sort(classes.begin(), classes.end());
    return removals;
}

void removeAnnotations(DemoSample& sample, const std::vector<int>& classes) {
    sample.labels = sample.fullLabels;
    for (auto& label : sample.labels.values())
        if (std::find(classes.begin(), classes.end(), label) != classes.end())
            label = 0;
    sample.removed = classes;
}

std::vector<std::pair<std::string, std::vector<int>>>
demoLabelSets(const std::vector<std::vector<int>>& removals) {
    std::vector<std::pair<std::string, std::vector<int>>> sets;
    for (std::size_t n = 0; n < removals.size(); ++n) {
        if (removals[n].empty())
            continue;
        char stem[32];
        std::snprintf(stem, sizeof stem, "demo_%03zu", n);
        std::vector<int> annotated;
        for (int c = 1; c < kDemoClasses; ++c)
            if (std::find(removals[n].begin(), removals[n].end(), c) == removals[n].end())
                annotated.push_back(c);
        sets.emplace_back(stem, std::move(annotated));
    }
    // The catch-all only when some sample is left for it (an unused entry is a warning).
    if (sets.size() == removals.size())
        return sets;
    std::vector<int> all;
    for (int c = 1; c < kDemoClasses; ++c)
        all.push_back(c);
    sets.emplace_back("demo_*", std::move(all));
    return sets;
}

std::vector<DemoSample> generateDemo(const DemoOptions& options) {
    const auto removals = demoRemovals(options);
    std::vector<DemoSample> samples;
    samples.reserve(static_cast<std::size_t>(options.count));
    for (int n = 0; n < options.count; ++n) {
        samples.push_back(generateDemoSample(options, n));
        removeAnnotations(samples.back(), removals[static_cast<std::size_t>(n)]);
    }
    return samples;
}

} // namespace losslens
