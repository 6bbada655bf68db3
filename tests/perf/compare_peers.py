#!/usr/bin/python3
"""Speed of LossLens's core against its peers, measured in one run on this machine.

Generates a demo set (default 4 samples of 1024 x 1024, C = 4), runs
`losslens-cli bench --threads 1 --json` on it, and times the same computation (both loss
maps and the background weight per sample) in numpy (vectorised, the article's functions)
and, when python3-torch is installed, PyTorch (nll_loss on log(clamp(p)), argmax, bincount),
each on one thread. Prints milliseconds per sample and the ratios.

Usage: /usr/bin/python3 tests/perf/compare_peers.py build/bin/losslens-cli [--size S] [--count N]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

EPS = 1e-7


def numpy_maps(labels, probs, ignore=255):
    """The article's standard and partial losses, vectorised, per pixel."""
    c = probs.shape[2]
    valid = labels != ignore
    y = np.where(valid, labels, 0)
    q = np.clip(probs, EPS, 1 - EPS)
    onehot = np.eye(c, dtype=np.float32)[y]
    std = -np.sum(onehot * np.log(q), axis=2) * valid
    present = np.zeros(c, dtype=bool)
    present[np.unique(y[valid])] = True
    k = np.argmax(probs, axis=2)
    w0 = present[k].astype(np.float32)
    part = np.where(y == 0, w0 * std, std)
    return std, part, w0


def torch_maps(torch, labels, probs, ignore=255):
    p = probs.permute(2, 0, 1).unsqueeze(0)
    logq = torch.log(torch.clamp(p, EPS, 1 - EPS))
    std = torch.nn.functional.nll_loss(logq, labels.unsqueeze(0), ignore_index=ignore, reduction="none")[0]
    valid = labels != ignore
    counts = torch.bincount(labels[valid], minlength=probs.shape[2])[: probs.shape[2]]
    k = torch.argmax(probs, dim=2)
    w0 = (counts > 0)[k].float()
    part = torch.where(labels == 0, w0 * std, std)
    return std, part, w0


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--count", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
    from pngio import read_png

    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "set")
        subprocess.run([args.cli, "demo", data, "--size", str(args.size), "--count", str(args.count)],
                       check=True, capture_output=True)
        bench = json.loads(subprocess.run([args.cli, "bench", data, "--threads", "1", "--repeat", str(args.repeat),
                                           "--json"], check=True, capture_output=True, text=True).stdout)
        stems = sorted(f[:-4] for f in os.listdir(os.path.join(data, "predictions")))
        samples = [(read_png(os.path.join(data, "labels", s + ".png"))[0].astype(np.int64),
                    np.load(os.path.join(data, "predictions", s + ".npy"))) for s in stems]

    def run_numpy():
        for labels, probs in samples:
            numpy_maps(labels, probs)

    np_median, np_min = timed(run_numpy, args.repeat)
    np_median /= len(samples)
    np_min /= len(samples)
    rows = [("losslens (1 thread)", bench["maps_ms_per_sample"]["median"]),
            ("streaming read floor", bench["stream_ms_per_sample"]["median"]),
            ("numpy (1 thread)", np_median)]
    try:
        import torch
        torch.set_num_threads(1)
        tsamples = [(torch.from_numpy(labels), torch.from_numpy(probs)) for labels, probs in samples]

        def run_torch():
            for labels, probs in tsamples:
                torch_maps(torch, labels, probs)

        t_median, _ = timed(run_torch, args.repeat)
        rows.append(("pytorch %s (1 thread)" % torch.__version__, t_median / len(samples)))
    except ImportError:
        rows.append(("pytorch", None))

    print(f"{len(samples)} samples of {args.size} x {args.size} x 4 float32, median of {args.repeat} runs")
    for name, ms in rows:
        print(f"  {name:28s} {'not installed' if ms is None else f'{ms:9.3f} ms/sample'}")
    ours = rows[0][1]
    print(f"  speed-up over numpy:          {np_median / ours:6.1f}x   (target >= 40x)")
    if rows[3][1] is not None:
        print(f"  speed-up over pytorch:        {rows[3][1] / ours:6.1f}x   (target >= 10x)")
    print(f"  ratio to the streaming floor: {ours / rows[1][1]:6.1f}x   (target <= 4x)")


if __name__ == "__main__":
    main()
