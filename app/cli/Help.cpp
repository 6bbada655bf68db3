// The commands' --help texts and the lists they print (variants, colour maps, SIMD targets).
#include "Commands.h"

#include "losslens/loss/LossVariant.h"
#include "losslens/loss/SimdTarget.h"
#include "losslens/report/Colormap.h"

#include <algorithm>
#include <string>

namespace losslens::cli {

const char* const kDemoHelp =
    R"(usage: losslens-cli demo OUTDIR [--count N] [--size S] [--missing K] [--seed X]
                         [--label-sets] [--jobs N] [--overwrite]

Writes the synthetic demo set (C = 4: background, ellipse, rectangle, circle) in the
data set layout: images/, labels/, predictions/ and dataset.json.

  --count N     samples (default 8)
  --size S      each sample is S x S pixels (default 256)
  --missing K   annotations removed at random over the set (default 2)
  --seed X      random seed (default 1); the same seed gives the same images and
                predictions whatever K is
  --label-sets  real-data mode: some objects are truly absent from some images (the
                model sometimes sees a blob of an absent class), and dataset.json
                declares which classes each image was annotated for (label_sets), so
                only the removed annotations count as missing, not every absent class
  --jobs N      threads (default: every core)
  --overwrite   replace files of an earlier demo in OUTDIR
)";

const char* const kStatsHelp =
    R"(usage: losslens-cli stats DATASET [--json] [--run NAME] [--ignore-label-sets] [--jobs N]
                           [--shard I/N] [--max-pixels N] [--max-classes N]
                           [--max-memory SIZE] [--no-index] [--review-db PATH]

Computes every loss variant for every sample and prints a table, or with --json one
object with these keys:
  classes         the class names (dataset.json's, else "class 0" .. "class C-1")
  samples         per scored sample: stem, <variant>_mean for every variant, valid_pixels,
                  background_pixels, removed_pixels, missing (the missing class ids) and
                  missing_source ("declared" by label_sets, or "absent": the article's rule)
  errors          per failed sample: stem, file, message
  warnings        per sample or data-set warning: stem, message
  mean            per variant, the set's mean over every valid pixel of every sample
  valid_pixels    the set's totals
  removed_pixels
  per_class       pixels: valid pixels per labelled class; per variant: mean (per class)
                  and reduced_share, the share of the class's pixels the variant lets off:
                  the standard loss penalises them (above ln 2, the labelled class's
                  probability under 1/2) and the variant removes or more than halves it
On a set of several runs (predictions/<run>/<stem>.npy, one folder per model or
checkpoint) without --run, --json prints {"classes", "runs": {"<run>": {"samples",
"errors", "warnings", "mean", "per_class"}}} and the table has a section per run and a
comparison of the runs' set means per variant.
Display images are not read (the window reports a broken one).
--shard I/N scores only the stems whose position in stem order is I modulo N (I from 0);
with --json the object adds "shard" and "totals" (sums and counts), and
'losslens-cli merge' combines the N outputs into the whole set's (docs/sharding.md).
Exit status: 0 all samples processed, 1 some failed (each named on stderr), 2 usage or
data-set-level error.

  --run NAME       only this run (an unknown run is a usage error that lists the runs)

  --no-index       score every sample: neither read nor keep the scores kept in the set's
                   review database (DATASET/.losslens/review.sqlite, see 'review --help'),
                   which otherwise spare the samples whose label and prediction files
                   kept their size and modification time, under the same dataset.json
  --review-db PATH the database that keeps them

  --ignore-label-sets  every class with no pixel counts as missing (the article's rule),
                   even where dataset.json's label_sets declares what a sample was
                   annotated for: to compare the two rules on the same data

  --max-pixels N   refuse a sample with more than N pixels (default 268435456 = 16384^2)
  --max-classes N  refuse a prediction with more than N classes (default 4096)
  --max-memory SIZE  refuse a sample whose loading and scoring would take more than SIZE
                   (bytes, or with K, M, G: 512M, 8G; default half of this machine's
                   memory), estimated from its headers, with the numbers
                   All three are checked against file headers before anything is allocated.
)";

const char* const kExportHelp =
    R"(usage: losslens-cli export DATASET --out DIR [--variant NAME|all] [--format png|npy|all]
                           [--colormap NAME] [--range auto|MIN:MAX] [--scale linear|log]
                           [--overwrite] [--jobs N] [--run NAME] [--ignore-label-sets]
                           [--max-pixels N] [--max-classes N] [--max-memory SIZE]

Writes per sample DIR/<stem>.<variant>.npy and .png, DIR/<stem>.bgweight.npy and .png,
then DIR/summary.json (the stats --json object and "heatmaps": the range, colour map and
scale of the PNGs), DIR/summary.csv and DIR/legend.png (their colour bar). Files are written under a temporary name and
renamed when complete; existing files are never replaced without --overwrite. On a set of
several runs without --run, each run goes to DIR/<run>/ (with its own auto range).

  --variant     a variant name (listed below), several joined by commas, or all
                (default all)
  --format      png, npy or all (default all)
  --colormap    a colour map (listed below; default viridis)
  --range       auto (default: one range, 0 to the largest loss of the export) or MIN:MAX
  --scale       linear (default) or log: colours by log(value) over [MAX / 1000, MAX] (or
                [MIN, MAX] when MIN > 0), as the window's Log box
  --jobs N      threads (default: every core)
  --run NAME    only this run, into DIR itself
  --ignore-label-sets   the article's rule for every sample, as for stats
  --max-pixels N, --max-classes N, --max-memory SIZE   per-sample caps, as for stats
)";

const char* const kBenchHelp =
    R"(usage: losslens-cli bench DATASET [--repeat N] [--threads T] [--json] [--run NAME]
                          [--isa NAME] [--max-pixels N] [--max-classes N] [--max-memory SIZE]

Loads every sample into memory, then times the computation of both loss maps, w0 and the
per-sample summary over all samples N times (default 5) on T threads (default 1), beside a
plain streaming read (a sum) of the same prediction buffers: the memory floor. Prints
milliseconds per sample (median and minimum over the repeats), or with --json
{"samples", "pixels_per_sample", "classes", "threads", "isa",
 "maps_ms_per_sample": {"median", "min"}, "stream_ms_per_sample": {"median", "min"}}.
On a set of several runs it times --run NAME (default: the first run).
--isa NAME runs the kernels on one SIMD target (default best: the best this CPU has), so
the AVX2 or SSE4 path can be measured on a newer machine; "isa" says which target ran.
)";

std::string simdTargetList() {
    std::string names;
    for (const std::string& name : simdTargets())
        names += (names.empty() ? "" : ", ") + name;
    return names;
}

std::string simdTargetsHelp() {
    return "\nSIMD targets on this CPU, best first: " + simdTargetList() + "\n";
}

std::string colormapsHelp() {
    return "\nColour maps: " + colormapNames() + "\n";
}

std::string variantsHelp() {
    std::string text = "\nLoss variants (dataset.json focal_gamma and class_weights set focal and "
                       "weighted):\n";
    for (const auto& v : lossVariants()) {
        std::string name(v.name);
        name.resize(std::max<std::size_t>(name.size(), 10), ' ');
        text += "  " + name + "  " + std::string(v.description) + "\n";
    }
    return text;
}

} // namespace losslens::cli
