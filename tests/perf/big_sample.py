#!/usr/bin/python3
"""One big sample, as remote-sensing and pathology users have (issue: big images).

Writes labels SIZE x SIZE (8-bit PNG) and predictions SIZE x SIZE x C float16 (.npy), no
dataset.json, then measures wall time and peak resident memory (getrusage of each child)
of `losslens-cli stats`, `losslens-cli export --format png`, and the window
(ui_benchmarks BM_BigSampleWindow: first paint, how long after the data arrived, pan and zoom
frame times and the scan's end, offscreen), against the prediction's float32 size.

Usage: /usr/bin/python3 tests/perf/big_sample.py build/bin [--size 8192] [--classes 4]
                                                  [--only stats,export,window]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np


def write_sample(root, size, classes):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
    from pngio import write_png
    os.makedirs(os.path.join(root, "labels"))
    os.makedirs(os.path.join(root, "predictions"))
    rng = np.random.default_rng(8192)
    cells = size // 256
    coarse = rng.integers(0, classes, size=(cells, cells))
    labels = np.kron(coarse, np.ones((256, 256), dtype=np.int64)).astype(np.uint8)
    write_png(os.path.join(root, "labels", "big.png"), labels)
    # Row bands, so the float32 working copy is never whole in this process.
    probs = np.lib.format.open_memmap(os.path.join(root, "predictions", "big.npy"), mode="w+",
                                      dtype=np.float16, shape=(size, size, classes))
    for top in range(0, size, 512):
        band = labels[top:top + 512]
        logits = rng.normal(size=(band.shape[0], size, classes)).astype(np.float32)
        logits[np.arange(band.shape[0])[:, None], np.arange(size)[None, :], band] += 2.0
        e = np.exp(logits)
        probs[top:top + 512] = (e / e.sum(axis=2, keepdims=True)).astype(np.float16)
    probs.flush()
    del probs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin")
    ap.add_argument("--size", type=int, default=8192)
    ap.add_argument("--classes", type=int, default=4)
    ap.add_argument("--only", default="stats,export,window",
                    help="which of stats, export, window to run (comma-separated)")
    args = ap.parse_args()
    only = set(args.only.split(","))
    cli = os.path.join(args.bin, "losslens-cli")
    ui = os.path.join(args.bin, "ui_benchmarks")
    f32_mib = args.size * args.size * args.classes * 4 / 2**20
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR", "/tmp")) as tmp:
        root = os.path.join(tmp, "big")
        start = time.perf_counter()
        write_sample(root, args.size, args.classes)
        print(f"sample {args.size} x {args.size} x {args.classes} float16 "
              f"({os.path.getsize(os.path.join(root, 'predictions', 'big.npy')) / 2**20:.0f} MiB file, "
              f"{f32_mib:.0f} MiB as float32), written in {time.perf_counter() - start:.0f} s")
        rows = []
        # Each in its own python child so each peak is its own.
        for name, cmd, env in [
            ("stats", [cli, "stats", root, "--json", "--no-index"], None),
            ("export --format png", [cli, "export", root, "--out", os.path.join(tmp, "out"),
                                     "--format", "png"], None),
            ("window (offscreen)", [ui, "--benchmark_filter=BM_BigSampleWindow",
                                    "--benchmark_format=json"],
             {**os.environ, "LOSSLENS_BIG_SAMPLE": root, "QT_QPA_PLATFORM": "offscreen"}),
        ]:
            if name.split()[0] not in only:
                continue
            script = ("import resource,subprocess,sys,time,json,os;"
                      "s=time.perf_counter();p=subprocess.run(json.loads(sys.argv[1]),capture_output=True,text=True);"
                      "print(json.dumps({'s':time.perf_counter()-s,'rss':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
                      "'rc':p.returncode,'out':p.stdout,'err':p.stderr[-2000:]}))")
            out = subprocess.run([sys.executable, "-c", script, json.dumps(cmd)], capture_output=True,
                                 text=True, env=env, check=True).stdout
            r = json.loads(out)
            if r["rc"] not in (0, 1):
                raise SystemExit(f"{name}: exit {r['rc']}\n{r['err']}")
            extra = ""
            if name.startswith("window"):
                bench = json.loads(r["out"])["benchmarks"][0]
                extra = (f"  first paint {bench['first_paint_s']:.1f} s "
                         f"({bench['paint_after_load_s']:.2f} s after the data), "
                         f"scan done {bench['scan_done_s']:.1f} s, pan/zoom frames "
                         f"median {bench['frame_median_ms']:.0f} ms, max "
                         f"{bench['frame_max_ms']:.0f} ms")
            rows.append((name, r["s"], r["rss"] / 1024.0, extra))
        for name, seconds, rss, extra in rows:
            print(f"  {name:22s} {seconds:7.1f} s  peak RSS {rss:8.0f} MiB = "
                  f"{rss / f32_mib:4.2f}x the float32 prediction{extra}")
        print("  targets: window <= 2.5x, export <= 2x, first paint <= 5 s")


if __name__ == "__main__":
    main()
