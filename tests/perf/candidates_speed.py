#!/usr/bin/python3
"""The job a user runs for candidates against the one they already run: `candidates` and
`stats` over the same set with the same --jobs, alternated in one run, from the page cache
(the files are read once first). Prints each one's median and the ratio; issue 26 asks for
candidates <= 1.3x stats.

Usage: /usr/bin/python3 tests/perf/candidates_speed.py build/bin/losslens-cli DATASET
           [--jobs N] [--repeat R]
A 21-class set: /usr/bin/python3 tests/data/make_voc_like.py DIR --count 30 --width 1024
--height 768.
"""
import argparse
import os
import statistics
import subprocess
import time


def timed(cmd):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("cli")
    parser.add_argument("dataset")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for root, _, files in os.walk(args.dataset):  # into the page cache
        for name in files:
            with open(os.path.join(root, name), "rb") as f:
                while f.read(1 << 24):
                    pass
    jobs = ["--jobs", str(args.jobs)]
    stats_cmd = [args.cli, "stats", args.dataset, "--json", "--no-index", *jobs]
    cand_cmd = [args.cli, "candidates", args.dataset, "--format", "json", "--no-index", *jobs]
    times = {"stats": [], "candidates": []}
    for _ in range(args.repeat):
        times["stats"].append(timed(stats_cmd))
        times["candidates"].append(timed(cand_cmd))
    s = statistics.median(times["stats"])
    c = statistics.median(times["candidates"])
    print(f"stats --jobs {args.jobs}:      median {s:.3f} s over {args.repeat} runs")
    print(f"candidates --jobs {args.jobs}: median {c:.3f} s over {args.repeat} runs")
    print(f"candidates / stats:   {c / s:.2f}x")


if __name__ == "__main__":
    main()
