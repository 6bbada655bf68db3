#!/usr/bin/python3
"""The set at the speed of its files (issue 27): `stats` over whole sets against the cost of
just reading the same predictions, measured in one run, from the page cache.

For each set it prints the median of --repeat alternated runs of
  - `losslens-cli stats --json --jobs 1` and `--jobs 2`,
  - numpy's `np.load` of every prediction (one process, the same files, in order),
  - `cat` of every prediction to /dev/null,
and the ratios stats / np.load. Issue 27 asks for stats --jobs 1 <= 2x np.load on a 21-class
set of 30 x 1024x768 float32 and <= 1.5x on 120 demo samples of 512² x 4.

Usage: /usr/bin/python3 tests/perf/set_speed.py build/bin/losslens-cli SET [SET ...]
           [--repeat R] [--isa NAME]
Sets: /usr/bin/python3 tests/data/make_voc_like.py DIR --count 30 --width 1024 --height 768
      build/bin/losslens-cli demo DIR --count 120 --size 512 --missing 30
--isa passes LOSSLENS_ISA=NAME (avx2, sse2, ...) to the CLI, to time one SIMD target.
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys
import time

NP_LOAD = """
import sys, numpy as np
for path in sys.argv[1:]:
    np.load(path)
"""


def timed(cmd, env=None):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def predictions(root):
    files = sorted(glob.glob(os.path.join(root, "predictions", "*.npy")))
    if not files:  # a set of runs: the first run
        files = sorted(glob.glob(os.path.join(root, "predictions", "*", "*.npy")))
    return files


def warm(root):
    for folder, _, names in os.walk(root):
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                while f.read(1 << 24):
                    pass


def measure(cli, root, repeat, env):
    files = predictions(root)
    size = sum(os.path.getsize(f) for f in files)
    warm(root)
    cmds = {
        "stats --jobs 1": ([cli, "stats", root, "--json", "--no-index", "--jobs", "1"], env),
        "stats --jobs 2": ([cli, "stats", root, "--json", "--no-index", "--jobs", "2"], env),
        "np.load": (["/usr/bin/python3", "-c", NP_LOAD, *files], None),
        "cat": (["cat", *files], None),
    }
    times = {name: [] for name in cmds}
    for _ in range(repeat):
        for name, (cmd, e) in cmds.items():
            times[name].append(timed(cmd, e))
    medians = {name: statistics.median(t) for name, t in times.items()}
    print(f"\n{root}: {len(files)} predictions, {size / 1e9:.2f} GB")
    for name, value in medians.items():
        ratio = value / medians["np.load"]
        spread = f"{min(times[name]):.3f}-{max(times[name]):.3f}"
        print(f"  {name:15s} {value:8.3f} s  ({spread})  {ratio:5.2f}x np.load")
    return medians


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--isa", default="")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.isa:
        env["LOSSLENS_ISA"] = args.isa
    print(f"medians of {args.repeat} alternated runs; ISA: {args.isa or 'best of this CPU'}")
    for root in args.sets:
        measure(args.cli, root, args.repeat, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
