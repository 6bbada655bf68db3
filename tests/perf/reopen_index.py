#!/usr/bin/python3
"""Reopening a set with the score index (spec section 7, issue 29): in one run, on a set of
N demo samples of SIZE x SIZE x 4 float16 predictions (10,000 x 256²: about 5 GB),
  - `losslens-cli stats --jobs 2` with the index cleared (scores and keeps every sample),
    then again (takes every sample from the index), and with --no-index (the peer);
  - the window (build/bin/ui_reopen_benchmark): from the listing to every row scored, first
    with the index cleared, then on reopening, then after one prediction was rewritten.
Issue 29 asks that reopening an unchanged set of 10,000 such samples shows every row scored
within 1 s of the listing.

Usage: /usr/bin/python3 tests/perf/reopen_index.py build/bin DIR [--count N] [--size S]
DIR is made once (demo, then each prediction written again as float16) and reused.
"""
import argparse
import concurrent.futures
import glob
import json
import os
import shutil
import statistics
import subprocess
import time

import numpy as np


def to_float16(paths):
    for path in paths:
        a = np.load(path)
        if a.dtype != np.float16:
            tmp = path + ".tmp.npy"
            np.save(tmp, a.astype(np.float16))
            os.replace(tmp, path)
    return len(paths)


def make_set(bindir, root, count, size):
    """500 demo samples (generating 10,000 takes about 25 minutes here), written as float16
    and copied under new stems up to `count`: every file is its own, on disk and in the page
    cache, so the set costs what a set of `count` different samples does to read."""
    if os.path.exists(os.path.join(root, "dataset.json")):
        return
    made = min(count, 500)
    subprocess.run([os.path.join(bindir, "losslens-cli"), "demo", root, "--count", str(made),
                    "--size", str(size), "--missing", str(made // 2)], check=True)
    files = sorted(glob.glob(os.path.join(root, "predictions", "*.npy")))
    parts = [files[i::2] for i in range(2)]
    with concurrent.futures.ProcessPoolExecutor(2) as pool:
        assert sum(pool.map(to_float16, parts)) == len(files)
    stems = [os.path.basename(f)[:-4] for f in files]
    for i in range(made, count):
        stem = stems[i % made]
        for folder, ext in (("images", ".png"), ("labels", ".png"), ("predictions", ".npy")):
            shutil.copyfile(os.path.join(root, folder, stem + ext),
                            os.path.join(root, folder, f"copy_{i:05d}{ext}"))
    # A set written earlier: files younger than two seconds are never kept.
    then = time.time() - 60
    for folder, _, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(folder, name), (then, then))


def warm(root):
    for folder, _, names in os.walk(root):
        for name in names:
            with open(os.path.join(folder, name), "rb") as f:
                while f.read(1 << 24):
                    pass


def timed(cmd, env=None):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("bindir")
    parser.add_argument("root")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cli = os.path.join(args.bindir, "losslens-cli")
    make_set(args.bindir, args.root, args.count, args.size)
    size = sum(os.path.getsize(f) for f in glob.glob(os.path.join(args.root, "predictions", "*")))
    print(f"set: {args.root}, {args.count} samples of {args.size}x{args.size}x4 float16, "
          f"{size / 1e9:.2f} GB of predictions")
    warm(args.root)
    stats = [cli, "stats", args.root, "--json", "--jobs", "2"]
    first, again, peer = [], [], []
    for _ in range(args.repeat):
        subprocess.run([cli, "review", args.root, "--clear-index"], check=True,
                       stderr=subprocess.DEVNULL)
        first.append(timed(stats))
        again.append(timed(stats))
        peer.append(timed(stats + ["--no-index"]))
    med = statistics.median
    print(f"stats --jobs 2, index cleared:   {med(first):7.2f} s (median of {args.repeat})")
    print(f"stats --jobs 2, from the index:  {med(again):7.2f} s")
    print(f"stats --jobs 2 --no-index:       {med(peer):7.2f} s "
          f"(index / no-index: {med(again) / med(peer):.3f})")
    env = dict(os.environ, LOSSLENS_REOPEN_SET=args.root, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([os.path.join(args.bindir, "ui_reopen_benchmark"),
                          "--benchmark_format=json"], check=True, capture_output=True, text=True,
                         env=env).stdout
    bench = json.loads(out)["benchmarks"][0]
    print(f"window: listing {bench['listing_s']:.2f} s; rows scored after the listing: "
          f"first opening {bench['first_rows_s']:.2f} s ({bench['first_loads']:.0f} loads), "
          f"reopening {bench['reopen_rows_s']:.2f} s ({bench['reopen_loads']:.0f} loads), "
          f"one prediction rewritten {bench['changed_rows_s']:.2f} s "
          f"({bench['changed_loads']:.0f} loads)")


if __name__ == "__main__":
    main()
