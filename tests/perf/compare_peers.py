#!/usr/bin/python3
"""Speed of LossLens's core against its peers, measured in one run on this machine.

For every SIMD target this CPU runs (losslens-cli bench --help lists them; each is pinned
with --isa), on 1024 x 1024 float32 demo samples with C = 4 and C = 21, one thread:
  - the two-variant pass (both maps, w0, the summary) and the streaming-read floor
    (losslens-cli bench --json);
  - all six variants against the two-variant pass (core_benchmarks, when it is beside the
    CLI: BM_ComputeAllVariantsReused / BM_ComputeLossReused);
and, once: numpy (the article's functions, vectorised) and PyTorch (python3-torch) doing
the same two maps; `stats --jobs 1` on a set of 512 x 512 samples against a numpy script
computing the same per-sample sums; and the scaling of --threads 2 / --jobs 2.
Every figure is a median; ratios compare programs measured in the same run.

Usage: /usr/bin/python3 tests/perf/compare_peers.py build/bin/losslens-cli
           [--size S] [--count N] [--stats-count N] [--repeat R] [--quick]
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


def numpy_stats(samples):
    """What stats sums per sample (standard and partial sums, valid and removed pixels)."""
    out = []
    for labels, probs in samples:
        std, part, w0 = numpy_maps(labels, probs)
        valid = labels != 255
        removed = int(np.sum((labels == 0) & (w0 == 0)))
        out.append((float(std.sum()), float(part.sum()), int(valid.sum()), removed))
    return out


def torch_maps(torch, labels, probs, ignore=255):
    p = probs.permute(2, 0, 1).unsqueeze(0)
    logq = torch.log(torch.clamp(p, EPS, 1 - EPS))
    std = torch.nn.functional.nll_loss(logq, labels.unsqueeze(0), ignore_index=ignore,
                                       reduction="none")[0]
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
    return statistics.median(times)


def run(args, **kw):
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, text=True, **kw)


def targets(cli):
    for line in run([cli, "bench", "--help"]).stdout.splitlines():
        if line.startswith("SIMD targets on this CPU"):
            return [t.strip() for t in line.split(":", 1)[1].split(",")]
    return ["best"]


def bench(cli, data, isa, repeat, threads=1):
    return json.loads(run([cli, "bench", data, "--threads", threads, "--repeat", repeat, "--json",
                           "--isa", isa]).stdout)


def core_benchmarks(path, isa, size, repeat):
    """Medians of the two-variant and all-variant passes (reused results), C = 4 and 21."""
    if not os.path.exists(path):
        return None
    out = run([path, f"--benchmark_filter=BM_Compute(LossReused|AllVariantsReused)/{size}/",
               f"--benchmark_repetitions={repeat}", "--benchmark_report_aggregates_only=true",
               "--benchmark_format=json"], env={**os.environ, "LOSSLENS_ISA": isa}).stdout
    result = {}
    for b in json.loads(out)["benchmarks"]:
        if b.get("aggregate_name") == "median":
            result[b["run_name"]] = b["real_time"]
    return result


def load_set(data):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
    from pngio import read_png
    stems = sorted(f[:-4] for f in os.listdir(os.path.join(data, "predictions")))
    return [(read_png(os.path.join(data, "labels", s + ".png"))[0].astype(np.int64),
             np.load(os.path.join(data, "predictions", s + ".npy"))) for s in stems]


def make_set(cli, folder, size, count, classes):
    if classes == 4:
        run([cli, "demo", folder, "--size", size, "--count", count])
        return
    # C = 21: random labels in blobs and softmax-like predictions, written as the CLI reads them.
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
    from pngio import write_png
    rng = np.random.default_rng(21)
    os.makedirs(os.path.join(folder, "labels"))
    os.makedirs(os.path.join(folder, "predictions"))
    for i in range(count):
        coarse = rng.integers(0, classes, size=(size // 64, size // 64))
        labels = np.kron(coarse, np.ones((64, 64), dtype=np.int64)).astype(np.uint8)
        logits = rng.normal(size=(size, size, classes)).astype(np.float32)
        probs = np.exp(logits)
        probs /= probs.sum(axis=2, keepdims=True)
        write_png(os.path.join(folder, "labels", f"s{i:03d}.png"), labels)
        np.save(os.path.join(folder, "predictions", f"s{i:03d}.npy"), probs.astype(np.float32))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("--size", type=int, default=1024)
    ap.add_argument("--count", type=int, default=4)
    ap.add_argument("--stats-count", type=int, default=120)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="one small run of everything")
    args = ap.parse_args()
    if args.quick:
        args.size, args.count, args.stats_count, args.repeat = 256, 2, 8, 1
    cli = os.path.abspath(args.cli)
    core = os.path.join(os.path.dirname(cli), "core_benchmarks")
    isas = targets(cli)
    print(f"SIMD targets of this CPU: {', '.join(isas)}")
    with tempfile.TemporaryDirectory() as tmp:
        sets = {}
        for classes in (4, 21):
            sets[classes] = os.path.join(tmp, f"c{classes}")
            make_set(cli, sets[classes], args.size, args.count, classes)
        samples = load_set(sets[4])

        np_ms = timed(lambda: [numpy_maps(*s) for s in samples], args.repeat) / len(samples)
        torch_ms = None
        try:
            import torch
            torch.set_num_threads(1)
            tsamples = [(torch.from_numpy(labels), torch.from_numpy(probs)) for labels, probs in samples]
            torch_ms = timed(lambda: [torch_maps(torch, *s) for s in tsamples], args.repeat) / len(samples)
            torch_name = f"pytorch {torch.__version__}"
        except ImportError:
            torch_name = "pytorch (not installed)"

        print(f"\n{args.count} samples of {args.size} x {args.size} float32, one thread, "
              f"median of {args.repeat} runs")
        print(f"  numpy, C = 4:   {np_ms:9.3f} ms/sample")
        print(f"  {torch_name}, C = 4: " + ("-" if torch_ms is None else f"{torch_ms:9.3f} ms/sample"))
        print(f"\n  {'target':8s} {'C=4 ms':>8s} {'floor':>7s} {'x floor':>8s} {'numpy/us':>9s} "
              f"{'torch/us':>9s} {'C=21 ms':>8s} {'x floor':>8s} {'all/two C=4':>12s} {'C=21':>6s}")
        per_target = {}
        for isa in isas:
            b4 = bench(cli, sets[4], isa, args.repeat)
            b21 = bench(cli, sets[21], isa, args.repeat)
            cb = core_benchmarks(core, isa, args.size, max(3, args.repeat // 2)) if not args.quick else None
            ms4 = b4["maps_ms_per_sample"]["median"]
            ms21 = b21["maps_ms_per_sample"]["median"]
            ratio_all = lambda c: (cb[f"BM_ComputeAllVariantsReused/{args.size}/{c}"] /
                                   cb[f"BM_ComputeLossReused/{args.size}/{c}"]) if cb else None
            per_target[isa] = ms4
            print(f"  {b4['isa']:8s} {ms4:8.3f} {b4['stream_ms_per_sample']['median']:7.3f} "
                  f"{ms4 / b4['stream_ms_per_sample']['median']:7.1f}x {np_ms / ms4:8.1f}x "
                  + (f"{torch_ms / ms4:8.1f}x" if torch_ms else f"{'-':>9s}")
                  + f" {ms21:8.3f} {ms21 / b21['stream_ms_per_sample']['median']:7.1f}x "
                  + (f"{ratio_all(4):11.2f}x {ratio_all(21):5.2f}x" if cb else f"{'-':>12s} {'-':>6s}"))
        if "avx2" in per_target and "sse4" in per_target:
            print(f"\n  sse4 / avx2, C = 4: {per_target['sse4'] / per_target['avx2']:.2f}x (target <= 2x)")
        print("  targets (AVX2 path): >= 40x numpy, >= 15x PyTorch, <= 3x the floor; "
              "C = 21 <= 3x its floor; all six variants <= 2x the two-variant pass")

        t1 = bench(cli, sets[4], isas[0], args.repeat, threads=1)["maps_ms_per_sample"]["median"]
        t2 = bench(cli, sets[4], isas[0], args.repeat, threads=2)["maps_ms_per_sample"]["median"]
        print(f"\n  bench --threads 2 against 1 ({isas[0]}): {t1 / t2:.2f}x (target >= 1.6x)")

        stats_set = os.path.join(tmp, "stats")
        run([cli, "demo", stats_set, "--size", 512, "--count", args.stats_count])
        wall = {}
        for jobs in (1, 2):
            times = []
            for _ in range(max(1, args.repeat // 2)):
                start = time.perf_counter()
                run([cli, "stats", stats_set, "--json", "--no-index", "--jobs", jobs])
                times.append(time.perf_counter() - start)
            wall[jobs] = statistics.median(times)
        stats_samples = load_set(stats_set)
        start = time.perf_counter()
        numpy_stats(stats_samples)
        np_stats = time.perf_counter() - start
        # The numpy script's time includes none of the reading (done above), stats' all of it.
        print(f"\n  stats --jobs 1 on {args.stats_count} samples of 512 x 512: {wall[1]:.2f} s; "
              f"numpy, same sums, files already in memory: {np_stats:.2f} s: {np_stats / wall[1]:.1f}x "
              f"(target >= 5x)")
        print(f"  stats --jobs 2 against --jobs 1: {wall[1] / wall[2]:.2f}x (target >= 1.6x)")


if __name__ == "__main__":
    main()
