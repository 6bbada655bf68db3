"""End-to-end tests of losslens-cli (label cli). They run the real binary on real folders
and check its numbers against a numpy reference of spec section 1 written here.

Usage: /usr/bin/python3 test_cli.py --cli PATH [unittest args, e.g. a TestCase name]
"""
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pngio import read_png, write_png  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus"))
import make_bad_corpus  # noqa: E402

CLI = None
LN2 = float(np.log(2.0))
EPS = 1e-7


def missing_set(labels, c, ignore=255, annotated=None, not_exhaustive=None):
    """Spec section 4: object classes with no pixel that are not declared annotated (every
    class with no pixel when there is no declaration), and the declared not-exhaustive
    classes whatever their pixels. Background is never missing."""
    present = set(int(v) for v in np.unique(labels[labels != ignore]))
    ne = set(not_exhaustive or [])
    return [k for k in range(1, c)
            if k in ne or (k not in present and (annotated is None or k not in annotated))]


def reference(labels, probs, ignore=255, annotated=None, not_exhaustive=None):
    """labels H x W ints, probs H x W x C float, annotated: declared class ids or None,
    not_exhaustive: declared not-exhaustive ids or None. Returns dict of maps and summary."""
    probs = probs.astype(np.float64)
    valid = labels != ignore
    c = probs.shape[2]
    missing_all = missing_set(labels, c, ignore, annotated, not_exhaustive)
    y = np.where(valid, labels, 0).astype(np.int64)
    q = np.clip(probs, EPS, 1 - EPS)
    std = -np.log(np.take_along_axis(q, y[..., None], axis=2)[..., 0])
    std[~valid] = 0
    k = np.argmax(probs, axis=2)  # first maximum: ties to the lowest index
    w0 = ~np.isin(k, missing_all)
    removed = valid & (labels == 0) & ~w0
    part = np.where(removed, 0.0, std)
    n = int(valid.sum())
    return {
        "standard": std, "partial": part, "w0": w0.astype(np.float32), "removed": int(removed.sum()),
        "valid": n, "standard_sum": std[valid].sum(), "partial_sum": part[valid].sum(),
        "missing": missing_all,
    }


def further_variants(labels, probs, ignore=255, gamma=2.0, weights=None, annotated=None,
                     not_exhaustive=None):
    """The issue's four further variants, written from their definitions: maps and each
    variant's (sum, denominator) for the mean."""
    probs = probs.astype(np.float64)
    c = probs.shape[2]
    valid = labels != ignore
    y = np.where(valid, labels, 0).astype(np.int64)
    missing = missing_set(labels, c, ignore, annotated, not_exhaustive)
    q = np.clip(np.take_along_axis(probs, y[..., None], axis=2)[..., 0], EPS, 1 - EPS)
    std = np.where(valid, -np.log(q), 0.0)
    background = valid & (labels == 0)
    merged = probs[..., 0] + probs[..., missing].sum(axis=2)
    marginal = np.where(background, -np.log(np.clip(merged, EPS, 1 - EPS)), std)
    drop = std * 0.0 if missing else std
    focal = np.where(valid, (1 - q) ** gamma * std, 0.0)
    w = np.ones(c) if weights is None else np.asarray(weights, dtype=np.float64)
    pixel_w = np.where(valid, w[y], 0.0)
    weighted = pixel_w * std
    n = float(valid.sum())
    return {
        "standard": (std, n), "marginal": (marginal, n), "drop": (drop, 0.0 if missing else n),
        "focal": (focal, n), "weighted": (weighted, pixel_w.sum()),
        "valid": valid, "labels": y,
    }


def slurp(path, mode="rb"):
    with open(path, mode) as f:
        return f.read()


def load_json(path):
    return json.loads(slurp(path, "r"))


def run(*args, expect=None):
    proc = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300)
    if expect is not None and proc.returncode != expect:
        raise AssertionError(f"{args}: exit {proc.returncode}, expected {expect}\n"
                             f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
    return proc


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="losslens-cli-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def check_stats_against_reference(self, stats, samples, ignore=255, tol=1e-5, annotated=None,
                                      not_exhaustive=None):
        """samples: {stem: (labels, probs_hwc)}; annotated: {stem: declared ids} (others: none);
        not_exhaustive: {stem: declared not-exhaustive ids}"""
        by_stem = {s["stem"]: s for s in stats["samples"]}
        total_std = total_part = total_valid = 0.0
        annotated = annotated or {}
        not_exhaustive = not_exhaustive or {}
        for stem, (labels, probs) in samples.items():
            ref = reference(labels, probs, ignore, annotated.get(stem), not_exhaustive.get(stem))
            got = by_stem[stem]
            self.assertEqual(got["missing_source"], "declared" if stem in annotated else "absent", stem)
            self.assertEqual(got["valid_pixels"], ref["valid"], stem)
            self.assertEqual(got["removed_pixels"], ref["removed"], stem)
            self.assertEqual(got["missing"], ref["missing"], stem)
            self.assertAlmostEqual(got["standard_mean"], ref["standard_sum"] / ref["valid"], delta=tol)
            self.assertAlmostEqual(got["partial_mean"], ref["partial_sum"] / ref["valid"], delta=tol)
            total_std += ref["standard_sum"]
            total_part += ref["partial_sum"]
            total_valid += ref["valid"]
        self.assertAlmostEqual(stats["mean"]["standard"], total_std / total_valid, delta=tol)
        self.assertAlmostEqual(stats["mean"]["partial"], total_part / total_valid, delta=tol)


class DemoRoundTrip(Base):
    def test_demo_stats_export(self):
        data, out = self.path("demo"), self.path("out")
        run("demo", data, "--count", 3, "--size", 64, "--missing", 2, "--seed", 5, expect=0)
        meta = load_json(os.path.join(data, "dataset.json"))
        self.assertEqual([c["name"] for c in meta["classes"]], ["background", "ellipse", "rectangle", "circle"])
        samples = {}
        for stem in ["demo_000", "demo_001", "demo_002"]:
            labels, colour_type = read_png(os.path.join(data, "labels", stem + ".png"))
            self.assertEqual(colour_type, 0)
            probs = np.load(os.path.join(data, "predictions", stem + ".npy"))
            self.assertEqual(probs.shape, (64, 64, 4))
            self.assertEqual(probs.dtype, np.float32)
            samples[stem] = (labels, probs)
        removed = sum(len(v) for v in meta["demo"]["removed"].values())
        self.assertEqual(removed, 2)

        proc = run("stats", data, "--json", expect=0)
        stats = json.loads(proc.stdout)
        self.assertEqual(stats["classes"], ["background", "ellipse", "rectangle", "circle"])
        self.assertEqual(stats["errors"], [])
        self.check_stats_against_reference(stats, samples)
        for stem, classes in meta["demo"]["removed"].items():
            got = next(s for s in stats["samples"] if s["stem"] == stem)
            self.assertEqual(got["missing"], classes)

        run("export", data, "--out", out, expect=0)
        for stem, (labels, probs) in samples.items():
            ref = reference(labels, probs)
            for variant in ["standard", "partial"]:
                m = np.load(os.path.join(out, f"{stem}.{variant}.npy"))
                self.assertEqual(m.dtype, np.float32)
                self.assertEqual(m.shape, labels.shape)
                np.testing.assert_allclose(m, ref[variant], rtol=1e-5, atol=1e-6)
                png, colour_type = read_png(os.path.join(out, f"{stem}.{variant}.png"))
                self.assertEqual(png.shape, labels.shape + (3,))
            w0 = np.load(os.path.join(out, f"{stem}.bgweight.npy"))
            np.testing.assert_array_equal(w0, ref["w0"])
            self.assertTrue(os.path.exists(os.path.join(out, f"{stem}.bgweight.png")))
        summary = load_json(os.path.join(out, "summary.json"))
        self.assertEqual(summary["samples"], stats["samples"])
        self.assertEqual(summary["mean"], stats["mean"])
        rows = slurp(os.path.join(out, "summary.csv"), "r").strip().splitlines()
        self.assertEqual(len(rows), 4)
        self.assertTrue(rows[0].startswith("stem,status,missing"))
        leftovers = [f for f in os.listdir(out) if f.startswith(".")]
        self.assertEqual(leftovers, [])

    def test_heatmaps_share_one_range(self):
        data, out = self.path("demo"), self.path("out")
        run("demo", data, "--count", 2, "--size", 32, "--missing", 1, expect=0)
        run("export", data, "--out", out, "--format", "png", "--colormap", "gray", expect=0)
        # gray map over [0, global max]: the brightest pixel of all standard heatmaps is the
        # global maximum (255), and every pixel's grey is round(255 * v / max).
        maps = {}
        for stem in ["demo_000", "demo_001"]:
            labels, _ = read_png(os.path.join(data, "labels", stem + ".png"))
            maps[stem] = reference(labels, np.load(os.path.join(data, "predictions", stem + ".npy")))
        top = max(max(m["standard"].max(), m["partial"].max()) for m in maps.values())
        for stem, ref in maps.items():
            png, _ = read_png(os.path.join(out, f"{stem}.standard.png"))
            expected = np.floor(ref["standard"] / top * 255 + 0.5)
            self.assertLessEqual(np.abs(png[..., 0].astype(float) - expected).max(), 1.0)
        self.assertFalse(any(f.endswith(".npy") for f in os.listdir(out)))
        # summary.json says how the heatmaps are coloured, and legend.png shows it.
        summary = load_json(os.path.join(out, "summary.json"))
        heat = summary["heatmaps"]
        self.assertEqual(heat["colormap"], "gray")
        self.assertEqual(heat["scale"], "linear")
        self.assertEqual(heat["legend"], "legend.png")
        self.assertEqual(heat["range"][0], 0.0)
        self.assertAlmostEqual(heat["range"][1], top, delta=1e-5 * top)
        legend, _ = read_png(os.path.join(out, "legend.png"))
        # The bar (x 20..539, y 30..55): gray from 0 at the left to 255 at the right.
        self.assertLessEqual(int(legend[40, 20, 0]), 1)
        self.assertGreaterEqual(int(legend[40, 539, 0]), 254)
        self.assertTrue(np.all(np.diff(legend[40, 20:540, 0].astype(int)) >= 0))
        # A fixed range is written as given.
        out2 = self.path("out2")
        run("export", data, "--out", out2, "--format", "png", "--range", "0.5:3", expect=0)
        self.assertEqual(load_json(os.path.join(out2, "summary.json"))["heatmaps"]["range"], [0.5, 3.0])
        # A log scale: three decades below the top, each pixel by log(v) (by hand with numpy).
        out3 = self.path("out3")
        run("export", data, "--out", out3, "--format", "png", "--colormap", "gray",
            "--range", "0:4", "--scale", "log", expect=0)
        heat3 = load_json(os.path.join(out3, "summary.json"))["heatmaps"]
        self.assertEqual(heat3["scale"], "log")
        self.assertAlmostEqual(heat3["range"][0], 0.004, delta=1e-7)
        lo, hi = heat3["range"]
        for stem, ref in maps.items():
            png, _ = read_png(os.path.join(out3, f"{stem}.standard.png"))
            v = ref["standard"]
            t = np.log(np.maximum(v, lo) / lo) / np.log(hi / lo)
            expected = np.where(v > lo, np.floor(np.clip(t, 0, 1) * 255 + 0.5), 0)
            self.assertLessEqual(np.abs(png[..., 0].astype(float) - expected).max(), 1.0)
        self.assertEqual(run("export", data, "--out", self.path("o4"), "--scale", "cubic").returncode, 2)

    def test_per_class_table_says_na_and_fits_the_terminal(self):
        data = self.path("demo")
        # One sample with all three annotations removed: no pixel of any object class.
        run("demo", data, "--count", 1, "--size", 32, "--missing", 3, expect=0)
        stats = json.loads(run("stats", data, "--json", expect=0).stdout)
        per_class = stats["per_class"]
        self.assertEqual(per_class["pixels"][1:], [0, 0, 0])
        for variant in ("standard", "partial"):
            self.assertEqual(per_class[variant]["mean"][1:], [None, None, None])
            self.assertEqual(per_class[variant]["reduced_share"][1:], [None, None, None])
            self.assertIsNotNone(per_class[variant]["mean"][0])
        env = dict(os.environ, COLUMNS="80")
        table = subprocess.run([CLI, "stats", data], capture_output=True, text=True, env=env,
                               timeout=60).stdout
        section = table[table.index("Per class"):].splitlines()
        for line in section:
            self.assertLessEqual(len(line), 80, line)
        rows = [line for line in section if line.startswith("circle")]
        self.assertTrue(rows and all("n/a" in r and "0.00000" not in r for r in rows), rows)


class ExitStatus(Base):
    def test_statuses(self):
        self.assertEqual(run("stats", self.path("missing-folder")).returncode, 2)
        os.makedirs(self.path("empty"))
        self.assertEqual(run("stats", self.path("empty")).returncode, 2)
        run("demo", self.path("d"), "--count", 2, "--size", 32, expect=0)
        self.assertEqual(run("stats", self.path("d"), "--bogus").returncode, 2)
        self.assertEqual(run("export", self.path("d")).returncode, 2)  # no --out
        self.assertEqual(run("export", self.path("d"), "--out", self.path("o"), "--variant", "nope").returncode, 2)
        self.assertEqual(run("nonsense").returncode, 2)
        self.assertEqual(run("stats", "--help").returncode, 0)
        with open(self.path("d", "dataset.json"), "w") as f:
            f.write("{not json")
        proc = run("stats", self.path("d"), expect=2)
        self.assertIn("dataset.json", proc.stderr)
        self.assertIn("malformed JSON", proc.stderr)

    def test_bad_sample_does_not_stop_the_rest(self):
        data = self.path("d")
        run("demo", data, "--count", 3, "--size", 32, "--missing", 0, expect=0)
        with open(os.path.join(data, "predictions", "demo_001.npy"), "r+b") as f:
            f.truncate(200)
        os.remove(os.path.join(data, "labels", "demo_002.png"))
        proc = run("stats", data, "--json", expect=1)
        stats = json.loads(proc.stdout)
        self.assertEqual([s["stem"] for s in stats["samples"]], ["demo_000"])
        errors = {e["stem"]: e for e in stats["errors"]}
        self.assertTrue(errors["demo_001"]["file"].endswith("predictions/demo_001.npy"))
        self.assertIn("truncated", errors["demo_001"]["message"])
        self.assertIn("no label", errors["demo_002"]["message"])
        self.assertIn("demo_001.npy", proc.stderr)
        out = self.path("o")
        proc = run("export", data, "--out", out, expect=1)
        self.assertTrue(os.path.exists(os.path.join(out, "demo_000.partial.png")))
        self.assertFalse(os.path.exists(os.path.join(out, "demo_001.partial.png")))


class Bench(Base):
    def test_bench_json(self):
        data = self.path("d")
        run("demo", data, "--count", 2, "--size", 48, expect=0)
        out = json.loads(run("bench", data, "--repeat", 2, "--threads", 2, "--json", expect=0).stdout)
        self.assertEqual(out["samples"], 2)
        self.assertEqual(out["pixels_per_sample"], 48 * 48)
        self.assertEqual(out["classes"], 4)
        self.assertEqual(out["threads"], 2)
        for key in ["maps_ms_per_sample", "stream_ms_per_sample"]:
            self.assertGreater(out[key]["median"], 0)
            self.assertLessEqual(out[key]["min"], out[key]["median"])
        self.assertIn("ratio to the floor", run("bench", data, "--repeat", 1, expect=0).stdout)

    def test_bench_isa(self):
        # --help lists the targets this CPU runs, best first; each can be pinned and the JSON
        # says which ran; a target the CPU lacks (or a made-up one) is a usage error.
        data = self.path("d")
        run("demo", data, "--count", 1, "--size", 40, expect=0)
        helptext = run("bench", "--help", expect=0).stdout
        line = [l for l in helptext.splitlines() if l.startswith("SIMD targets on this CPU")]
        self.assertEqual(len(line), 1, helptext)
        targets = [t.strip() for t in line[0].split(":", 1)[1].split(",")]
        self.assertTrue(targets and all(targets), targets)
        best = json.loads(run("bench", data, "--repeat", 1, "--json", expect=0).stdout)
        self.assertEqual(best["isa"], targets[0])
        for target in targets:
            out = json.loads(run("bench", data, "--repeat", 1, "--json", "--isa", target,
                                 expect=0).stdout)
            self.assertEqual(out["isa"], target)
        proc = run("bench", data, "--isa", "pentium", expect=2)
        self.assertIn("pentium", proc.stderr)
        self.assertIn(targets[0], proc.stderr)


class Shards(Base):
    def test_three_shards_merged_equal_one_pass(self):
        # 11 stems (one with a broken prediction) in 3 shards: every stem in exactly one
        # shard, and merge gives what one stats over the whole set gives.
        data = self.path("d")
        run("demo", data, "--count", 11, "--size", 48, expect=0)
        with open(os.path.join(data, "predictions", "demo_004.npy"), "wb") as f:
            f.write(b"not numpy")
        whole = json.loads(run("stats", data, "--json", expect=1).stdout)
        parts, stems = [], []
        for i in range(3):
            part = self.path(f"part{i}.json")
            proc = run("stats", data, "--json", "--shard", f"{i}/3")
            self.assertIn(proc.returncode, (0, 1))
            with open(part, "w") as f:
                f.write(proc.stdout)
            doc = json.loads(proc.stdout)
            self.assertEqual(doc["shard"], {"index": i, "count": 3, "stems": 11})
            mine = [s["stem"] for s in doc["samples"]] + [e["stem"] for e in doc["errors"]]
            self.assertEqual(sorted(mine), [f"demo_{k:03d}" for k in range(i, 11, 3)])
            stems += mine
            parts.append(part)
        self.assertEqual(sorted(stems), [f"demo_{k:03d}" for k in range(11)])
        merged = json.loads(run("merge", *reversed(parts), "--json", expect=1).stdout)
        self.assertEqual(merged["samples"], whole["samples"])
        self.assertEqual(merged["errors"], whole["errors"])
        self.assertEqual(merged["valid_pixels"], whole["valid_pixels"])
        self.assertEqual(merged["removed_pixels"], whole["removed_pixels"])
        self.assertEqual(merged["per_class"]["pixels"], whole["per_class"]["pixels"])
        for variant, mean in whole["mean"].items():
            self.assertAlmostEqual(merged["mean"][variant], mean, delta=1e-12 * abs(mean))
            for key in ("mean", "reduced_share"):
                for a, b in zip(merged["per_class"][variant][key], whole["per_class"][variant][key]):
                    if b is None:  # no pixel of the class in the set
                        self.assertIsNone(a)
                        continue
                    self.assertAlmostEqual(a, b, delta=1e-12 * abs(b) + 1e-15)
        # The table form too.
        self.assertIn("demo_010", run("merge", *parts, expect=1).stdout)

    def test_merge_refuses_parts_that_do_not_combine(self):
        data = self.path("d")
        run("demo", data, "--count", 4, "--size", 32, expect=0)
        parts = []
        for i in range(2):
            parts.append(self.path(f"p{i}.json"))
            with open(parts[-1], "w") as f:
                f.write(run("stats", data, "--json", "--shard", f"{i}/2", expect=0).stdout)
        proc = run("merge", parts[0], expect=2)
        self.assertIn("shard 1 of 2 is missing", proc.stderr)
        proc = run("merge", parts[0], parts[0], parts[1], expect=2)
        self.assertIn("also in", proc.stderr)
        plain = self.path("plain.json")
        with open(plain, "w") as f:
            f.write(run("stats", data, "--json", expect=0).stdout)
        self.assertIn("not a shard", run("merge", plain, parts[1], expect=2).stderr)
        for bad in ("3/2", "x/2", "1", "0/0"):
            self.assertIn("--shard", run("stats", data, "--shard", bad, expect=2).stderr)


class MemoryBudget(Base):
    def test_a_sample_over_the_budget_is_refused_with_the_numbers(self):
        # 96 x 96 x 4 float32: the prediction is 147,456 bytes; with the labels (2 B/px), the
        # masks argmax, w0 and removed (4 B/px) and one map (4 B/px) the estimate is 239,616.
        data = self.path("d")
        run("demo", data, "--count", 2, "--size", 96, expect=0)
        os.remove(os.path.join(data, "predictions", "demo_001.npy"))
        probs = np.full((128, 128, 4), 0.25, dtype=np.float32)  # a bigger one, 128 x 128
        labels = np.zeros((128, 128), dtype=np.uint8)
        write_png(os.path.join(data, "labels", "demo_001.png"), labels)
        np.save(os.path.join(data, "predictions", "demo_001.npy"), probs)
        small = 96 * 96 * (4 * 4 + 2 + 4 + 4)
        big = 128 * 128 * (4 * 4 + 2 + 4 + 4)
        budget = (small + big) // 2
        proc = run("stats", data, "--json", "--max-memory", budget, expect=1)
        stats = json.loads(proc.stdout)
        self.assertEqual([s["stem"] for s in stats["samples"]], ["demo_000"])
        [error] = stats["errors"]
        self.assertEqual(error["stem"], "demo_001")
        self.assertTrue(error["file"].endswith("demo_001.npy"))
        self.assertIn("memory budget", error["message"])
        self.assertIn(f"{big / 1024:.0f} KiB", error["message"])  # the estimate, in KiB
        self.assertIn(f"{budget / 1024:.0f} KiB", error["message"])
        self.assertIn("--max-memory", error["message"])
        run("stats", data, "--max-memory", "1G", expect=0)
        self.assertIn("--max-memory", run("stats", data, "--max-memory", "lots", expect=2).stderr)
        proc = run("export", data, "--out", self.path("o"), "--max-memory", budget, expect=1)
        self.assertFalse(os.path.exists(self.path("o", "demo_001.standard.npy")))
        self.assertTrue(os.path.exists(self.path("o", "demo_000.standard.npy")))


class NoOverwrite(Base):
    def test_existing_exports_untouched(self):
        data, out = self.path("d"), self.path("o")
        run("demo", data, "--count", 2, "--size", 32, expect=0)
        run("export", data, "--out", out, expect=0)
        before = {f: slurp(os.path.join(out, f)) for f in os.listdir(out)}
        marker = os.path.join(out, "demo_000.standard.npy")
        with open(marker, "wb") as f:
            f.write(b"user data")
        proc = run("export", data, "--out", out, expect=2)
        self.assertIn("--overwrite", proc.stderr)
        self.assertEqual(slurp(marker), b"user data")
        run("export", data, "--out", out, "--overwrite", expect=0)
        after = {f: slurp(os.path.join(out, f)) for f in os.listdir(out)}
        self.assertEqual(set(after), set(before))
        self.assertEqual(after["demo_000.standard.npy"], before["demo_000.standard.npy"])
        self.assertEqual(run("demo", data, "--count", 2, "--size", 32).returncode, 2)


class KilledExport(Base):
    def test_sigkill_leaves_only_complete_files(self):
        data, out = self.path("d"), self.path("o")
        run("demo", data, "--count", 60, "--size", 256, expect=0)
        proc = subprocess.Popen([CLI, "export", data, "--out", out, "--jobs", "1"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        # Kill it once some files are written, while others are still being written.
        while time.time() < deadline and proc.poll() is None:
            if os.path.isdir(out) and len([f for f in os.listdir(out) if f.endswith(".png")]) >= 10:
                break
            time.sleep(0.01)
        self.assertIsNone(proc.poll(), "export finished before it could be killed")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        finals = [f for f in os.listdir(out) if not f.startswith(".")]
        self.assertGreater(len(finals), 0)
        self.assertNotIn("summary.json", finals)
        for name in finals:
            data_bytes = slurp(os.path.join(out, name))
            if name.endswith(".npy"):
                m = np.load(os.path.join(out, name))
                self.assertEqual(m.shape, (256, 256), name)
            else:
                self.assertTrue(data_bytes.startswith(b"\x89PNG") and data_bytes.endswith(b"IEND\xaeB`\x82"), name)
        # A new export with --overwrite completes and clears the temporaries left behind.
        run("export", data, "--out", out, "--overwrite", expect=0)
        self.assertEqual([f for f in os.listdir(out) if f.startswith(".")], [])
        self.assertIn("summary.json", os.listdir(out))


class Formats(Base):
    def make_set(self, name, config):
        root = self.path(name)
        for sub in ["labels", "predictions"]:
            os.makedirs(os.path.join(root, sub))
        if config is not None:
            with open(os.path.join(root, "dataset.json"), "w") as f:
                json.dump(config, f)
        return root

    def test_pascal_voc_palette_with_255_borders(self):
        rng = np.random.default_rng(1)
        root = self.make_set("voc", {"classes": [{"name": f"c{i}"} for i in range(21)]})
        palette = rng.integers(0, 256, size=(256, 3))
        samples = {}
        for i in range(3):
            h, w = 20 + i, 17
            labels = rng.choice([0, 3, 7, 15], size=(h, w)).astype(np.uint8)
            labels[0, :] = 255
            labels[:, 0] = 255
            write_png(os.path.join(root, "labels", f"img{i}.png"), labels, palette=palette)
            probs = rng.dirichlet(np.ones(21) * 0.3, size=(h, w))
            # float64, big-endian, Fortran order: the reader must handle all three.
            np.save(os.path.join(root, "predictions", f"img{i}.npy"), np.asfortranarray(probs.astype(">f8")))
            samples[f"img{i}"] = (labels, probs)
        stats = json.loads(run("stats", root, "--json", expect=0).stdout)
        self.check_stats_against_reference(stats, samples)

    def test_pytorch_chw_logits_float16_batch_axis(self):
        rng = np.random.default_rng(2)
        root = self.make_set("torch", {"prediction_kind": "logits", "prediction_layout": "CHW"})
        samples = {}
        for i in range(2):
            labels = rng.integers(0, 3, size=(12, 9)).astype(np.uint16) * 300  # 16-bit labels
            labels = (labels // 300).astype(np.uint16)
            labels[labels == 2] = 4
            write_png(os.path.join(root, "labels", f"t{i}.png"), labels, bit_depth=16)
            logits = (rng.normal(size=(1, 5, 12, 9)) * 3).astype(np.float16)
            np.save(os.path.join(root, "predictions", f"t{i}.npy"), logits)
            z = logits[0].astype(np.float64)
            p = np.exp(z - z.max(axis=0)) / np.exp(z - z.max(axis=0)).sum(axis=0)
            samples[f"t{i}"] = (labels, p.transpose(1, 2, 0))
        stats = json.loads(run("stats", root, "--json", expect=0).stdout)
        self.check_stats_against_reference(stats, samples, tol=1e-4)

    def test_auto_layout_chw_probabilities_and_custom_ignore(self):
        rng = np.random.default_rng(3)
        root = self.make_set("auto", {"ignore_index": 9})
        labels = rng.choice([0, 1, 9], size=(8, 6)).astype(np.uint8)
        write_png(os.path.join(root, "labels", "a.png"), labels)
        probs = rng.dirichlet(np.ones(3), size=(8, 6)).astype(np.float32)
        np.save(os.path.join(root, "predictions", "a.npy"), probs.transpose(2, 0, 1).copy())
        stats = json.loads(run("stats", root, "--json", expect=0).stdout)
        self.check_stats_against_reference(stats, {"a": (labels, probs)}, ignore=9)


class Corpus(Base):
    """The bad-input corpus (tests/corpus/make_bad_corpus.py) through the real binary: each
    defect's exact outcome, the good samples beside them still right."""

    def setUp(self):
        super().setUp()
        self.corpus = self.path("corpus")
        self.expected, self.sets = make_bad_corpus.make(self.corpus)
        self.root = os.path.join(self.corpus, "set")

    def good_samples(self):
        samples = {}
        for stem in self.expected["good"]:
            labels, _ = read_png(os.path.join(self.root, "labels", stem + ".png"))
            samples[stem] = (labels, np.load(os.path.join(self.root, "predictions", stem + ".npy")))
        return samples

    def test_every_defect_is_named_and_the_good_samples_are_right(self):
        proc = run("stats", self.root, "--json", expect=1)
        stats = json.loads(proc.stdout)
        errors = {e["stem"]: e for e in stats["errors"]}
        self.assertEqual(sorted(errors), sorted(self.expected["errors"]))
        for stem, want in self.expected["errors"].items():
            got = errors[stem]
            self.assertEqual(got["file"], os.path.join(self.root, want["file"]), stem)
            self.assertIn(want["message"], got["message"], stem)
            # stderr names the stem, the file and the reason too
            self.assertIn(f"error: {stem}: {got['file']}: {got['message']}", proc.stderr)
        self.assertEqual([s["stem"] for s in stats["samples"]], self.expected["good"])
        self.check_stats_against_reference(stats, self.good_samples())
        # The corpus's only warnings are about display images, which stats does not read
        # (the window reports them: CorpusWindowTest).
        self.assertEqual(stats["warnings"], [])
        for stem in self.expected["warnings"]:
            self.assertIn(stem, self.expected["good"])

    def test_export_writes_the_good_samples_and_nothing_else(self):
        out = self.path("out")
        run("export", self.root, "--out", out, "--variant", "standard", "--format", "npy", expect=1)
        written = sorted(os.listdir(out))
        expected = sorted([f"{stem}.{kind}.npy" for stem in self.expected["good"]
                           for kind in ["standard", "bgweight"]] + ["summary.csv", "summary.json"])
        self.assertEqual(written, expected)
        for stem, (labels, probs) in self.good_samples().items():
            np.testing.assert_allclose(np.load(os.path.join(out, f"{stem}.standard.npy")),
                                       reference(labels, probs)["standard"], rtol=1e-5, atol=1e-6)

    def test_set_level_defects_exit_2_with_the_reason(self):
        for case in self.sets:
            path = os.path.join(self.corpus, case["path"])
            for command in [["stats", path, "--json"], ["export", path, "--out", self.path("x")],
                            ["bench", path, "--repeat", "1"]]:
                proc = run(*command, expect=case["exit"])
                self.assertIn(case["message"], proc.stderr, command)
                self.assertIn(os.path.join(path, case["file"]) if case["file"] else path, proc.stderr)
                self.assertEqual(proc.stdout, "", command)
            self.assertFalse(os.path.exists(self.path("x")))

    def test_caps_on_pixels_and_classes(self):
        # The good samples are 5 x 6 = 30 pixels of 3 classes.
        stats = json.loads(run("stats", self.root, "--json", "--max-pixels", 29, expect=1).stdout)
        errors = {e["stem"]: e for e in stats["errors"]}
        self.assertEqual(stats["samples"], [])
        for stem in self.expected["good"]:
            self.assertEqual(errors[stem]["message"], "label PNG of 5x6 exceeds the limit of 29 pixels")
        stats = json.loads(run("stats", self.root, "--json", "--max-pixels", 30, expect=1).stdout)
        self.assertEqual([s["stem"] for s in stats["samples"]], self.expected["good"])
        stats = json.loads(run("stats", self.root, "--json", "--max-classes", 2, expect=1).stdout)
        errors = {e["stem"]: e for e in stats["errors"]}
        for stem in self.expected["good"]:
            self.assertEqual(errors[stem]["message"], "prediction has 3 classes, more than the limit of 2")
            self.assertTrue(errors[stem]["file"].endswith(f"predictions/{stem}.npy"))
        run("stats", self.root, "--max-pixels", 0, expect=2)
        run("stats", self.root, "--max-classes", "many", expect=2)


class Variants(Base):
    """marginal, drop, focal and weighted through the real binary, against numpy and PyTorch."""

    WEIGHTS = [0.2, 1.0, 3.0, 0.5, 2.0]
    GAMMA = 1.5

    def make_samples(self, dtype=np.float32):
        rng = np.random.default_rng(7)
        root = self.path("variants-" + np.dtype(dtype).name)
        for sub in ["labels", "predictions"]:
            os.makedirs(os.path.join(root, sub))
        with open(os.path.join(root, "dataset.json"), "w") as f:
            json.dump({"class_weights": self.WEIGHTS, "focal_gamma": self.GAMMA}, f)
        samples = {}
        # s0 has every class; s1 lacks 2 and 4; s2 lacks 1, 3 and 4 and has ignore pixels.
        for stem, classes in [("s0", [0, 1, 2, 3, 4]), ("s1", [0, 1, 3]), ("s2", [0, 2])]:
            labels = rng.choice(classes, size=(16, 13)).astype(np.uint8)
            labels.flat[: len(classes)] = classes
            if stem == "s2":
                labels[5:7, :] = 255
            write_png(os.path.join(root, "labels", stem + ".png"), labels)
            probs = rng.dirichlet(np.ones(5) * 0.7, size=(16, 13)).astype(dtype)
            np.save(os.path.join(root, "predictions", stem + ".npy"), probs)
            samples[stem] = (labels, probs)
        return root, samples

    def test_means_maps_and_per_class_against_numpy(self):
        root, samples = self.make_samples()
        stats = json.loads(run("stats", root, "--json", expect=0).stdout)
        self.check_stats_against_reference(stats, samples)
        by_stem = {s["stem"]: s for s in stats["samples"]}
        names = ["marginal", "drop", "focal", "weighted"]
        totals = {n: [0.0, 0.0] for n in names}
        class_sums = {n: np.zeros(5) for n in names + ["standard"]}
        # Let off (core's LetOff.h): standard above ln 2 and the variant under half of it.
        # Counted with a 1e-5 margin each way, so float32 rounding near either edge cannot
        # flip the comparison: the binary's count must lie between the two.
        class_reduced = {n: np.zeros(5) for n in names}
        class_reduced_hi = {n: np.zeros(5) for n in names}
        class_pixels = np.zeros(5)
        refs = {}
        for stem, (labels, probs) in samples.items():
            ref = further_variants(labels, probs, gamma=self.GAMMA, weights=self.WEIGHTS)
            refs[stem] = ref
            std = ref["standard"][0]
            for c in range(5):
                class_pixels[c] += (ref["valid"] & (ref["labels"] == c)).sum()
            for n in names + ["standard"]:
                m, denominator = ref[n]
                for c in range(5):
                    sel = ref["valid"] & (ref["labels"] == c)
                    class_sums[n][c] += m[sel].sum()
                    if n != "standard":
                        s_, m_ = std[sel], m[sel]
                        class_reduced[n][c] += ((s_ > LN2 + 1e-5) & (m_ < 0.5 * s_ * (1 - 1e-5))).sum()
                        class_reduced_hi[n][c] += ((s_ > LN2 - 1e-5) & (m_ < 0.5 * s_ * (1 + 1e-5))).sum()
                if n == "standard":
                    continue
                expected = m[ref["valid"]].sum() / denominator if denominator > 0 else 0.0
                self.assertAlmostEqual(by_stem[stem][n + "_mean"], expected, delta=1e-5, msg=(stem, n))
                totals[n][0] += m[ref["valid"]].sum()
                totals[n][1] += denominator
        for n in names:
            self.assertAlmostEqual(stats["mean"][n], totals[n][0] / totals[n][1], delta=1e-5, msg=n)
        # s1 and s2 lack annotations: drop gives them nothing; marginal softens them.
        self.assertEqual(by_stem["s1"]["drop_mean"], 0.0)
        self.assertLess(by_stem["s1"]["marginal_mean"], by_stem["s1"]["standard_mean"])
        self.assertEqual(by_stem["s0"]["marginal_mean"], by_stem["s0"]["standard_mean"])
        per_class = stats["per_class"]
        self.assertEqual(per_class["pixels"], class_pixels.astype(int).tolist())
        for n in names + ["standard"]:
            np.testing.assert_allclose(per_class[n]["mean"], class_sums[n] / class_pixels, rtol=1e-5, atol=1e-6)
        for n in names:
            share = np.array(per_class[n]["reduced_share"])
            self.assertTrue(np.all(share >= class_reduced[n] / class_pixels - 1e-9), (n, share))
            self.assertTrue(np.all(share <= class_reduced_hi[n] / class_pixels + 1e-9), (n, share))
        # Focal only down-weights; it lets off just the pixels it more than halves among those
        # the standard loss penalises, not (as "any lower loss" would) every pixel.
        self.assertTrue(all(v < 0.9 for v in per_class["focal"]["reduced_share"]))

        out = self.path("out")
        run("export", root, "--out", out, "--variant", "all", "--format", "npy", expect=0)
        for stem, ref in refs.items():
            for n in names:
                got = np.load(os.path.join(out, f"{stem}.{n}.npy"))
                np.testing.assert_allclose(got, ref[n][0], rtol=1e-5, atol=1e-6, err_msg=f"{stem} {n}")
        only = self.path("only")
        run("export", root, "--out", only, "--variant", "marginal", expect=0)
        written = sorted(f for f in os.listdir(only) if f.startswith("s0."))
        self.assertEqual(written, ["s0.bgweight.npy", "s0.bgweight.png", "s0.marginal.npy", "s0.marginal.png"])
        bad = run("export", root, "--out", self.path("x"), "--variant", "nope", expect=2)
        self.assertIn("marginal, drop, focal, weighted", bad.stderr)

    def test_float16_set_scored_and_exported_as_stored(self):
        # stats and export keep float16 probabilities as float16 (the pass widens a block at a
        # time): every map and mean against numpy on the same halves widened exactly.
        root, samples = self.make_samples(np.float16)
        stats = json.loads(run("stats", root, "--json", "--no-index", expect=0).stdout)
        self.check_stats_against_reference(stats, samples)
        by_stem = {s["stem"]: s for s in stats["samples"]}
        out = self.path("out16")
        run("export", root, "--out", out, "--variant", "all", "--format", "npy", expect=0)
        for stem, (labels, probs) in samples.items():
            ref = further_variants(labels, probs, gamma=self.GAMMA, weights=self.WEIGHTS)
            for n in ["standard", "partial", "marginal", "drop", "focal", "weighted"]:
                m = ref[n][0] if n in ref and isinstance(ref[n], tuple) else None
                if m is None:
                    continue
                got = np.load(os.path.join(out, f"{stem}.{n}.npy"))
                np.testing.assert_allclose(got, m, rtol=1e-5, atol=1e-6, err_msg=f"{stem} {n}")
                if n != "standard":
                    expected = m[ref["valid"]].sum() / ref[n][1] if ref[n][1] > 0 else 0.0
                    self.assertAlmostEqual(by_stem[stem][n + "_mean"], expected, delta=1e-5)

    def test_weighted_mean_is_pytorch_nll_loss_with_weights(self):
        import torch
        root, samples = self.make_samples()
        stats = json.loads(run("stats", root, "--json", expect=0).stdout)
        by_stem = {s["stem"]: s for s in stats["samples"]}
        w = torch.tensor(self.WEIGHTS, dtype=torch.float64)
        batch_logq, batch_y = [], []
        for stem, (labels, probs) in samples.items():
            p = torch.from_numpy(probs.astype(np.float64)).permute(2, 0, 1).unsqueeze(0)
            logq = torch.log(torch.clamp(p, EPS, 1 - EPS))
            y = torch.from_numpy(labels.astype(np.int64)).unsqueeze(0)
            expected = torch.nn.functional.nll_loss(logq, y, weight=w, ignore_index=255, reduction="mean")
            self.assertAlmostEqual(by_stem[stem]["weighted_mean"], float(expected), delta=1e-5, msg=stem)
            batch_logq.append(logq)
            batch_y.append(y)
        # The set mean is the batch mean over all samples at once.
        batch = torch.nn.functional.nll_loss(torch.cat(batch_logq), torch.cat(batch_y), weight=w,
                                             ignore_index=255, reduction="mean")
        self.assertAlmostEqual(stats["mean"]["weighted"], float(batch), delta=1e-5)

    def test_bad_settings_are_dataset_errors(self):
        root, _ = self.make_samples()
        for config, reason in [({"class_weights": [1, -2, 1, 1, 1]}, "class_weights[1]"),
                               ({"class_weights": "heavy"}, "list of numbers"),
                               ({"focal_gamma": "two"}, "focal_gamma")]:
            with open(os.path.join(root, "dataset.json"), "w") as f:
                json.dump(config, f)
            proc = run("stats", root, "--json", expect=2)
            self.assertIn(reason, proc.stderr)
            self.assertIn("dataset.json", proc.stderr)
        # Weights for the wrong number of classes: every sample fails, named, exit 1.
        with open(os.path.join(root, "dataset.json"), "w") as f:
            json.dump({"class_weights": [1, 2, 3]}, f)
        proc = run("stats", root, "--json", expect=1)
        stats = json.loads(proc.stdout)
        self.assertEqual(len(stats["errors"]), 3)
        self.assertIn("class_weights has 3 entries but the prediction has 5 classes",
                      stats["errors"][0]["message"])


class LabelSets(Base):
    """Spec section 4 through the real binary: a 21-class palette set with declarations by
    stem, by glob with names and with ids, unmatched samples, against numpy."""

    C = 21
    NAMES = ["background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat",
             "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant",
             "sheep", "sofa", "train", "tvmonitor"]

    def make_voc(self, rng, stems, h=48, w=64, classes=None):
        """VOC-like samples: 1-3 objects with 255 borders, one annotation sometimes left out
        (the model still sees it), and blobs of absent classes the model sees (false
        positives). Returns {stem: (labels, probs)}."""
        root = self.path("voc")
        for sub in ["labels", "predictions"]:
            os.makedirs(os.path.join(root, sub), exist_ok=True)
        palette = rng.integers(0, 256, size=(256, 3))
        samples = {}
        for stem in stems:
            labels = np.zeros((h, w), np.uint8)
            seen = np.zeros((h, w), np.int64)  # what the synthetic model sees
            objects = rng.choice(np.arange(1, self.C), size=rng.integers(1, 4), replace=False)
            for i, c in enumerate(objects):
                y0, x0 = rng.integers(0, h - 12), rng.integers(0, w - 12)
                y1, x1 = y0 + rng.integers(6, 12), x0 + rng.integers(6, 12)
                seen[y0:y1, x0:x1] = c
                if i == 0 and len(objects) > 1 and rng.random() < 0.5:
                    continue  # annotation left out: the object is there, labelled background
                labels[max(y0 - 1, 0):y1 + 1, max(x0 - 1, 0):x1 + 1] = 255
                labels[y0:y1, x0:x1] = c
            for _ in range(rng.integers(1, 3)):  # a blob of a class that is not there
                c = rng.integers(1, self.C)
                y0, x0 = rng.integers(0, h - 5), rng.integers(0, w - 5)
                seen[y0:y0 + 5, x0:x0 + 5] = np.where(seen[y0:y0 + 5, x0:x0 + 5] == 0, c,
                                                      seen[y0:y0 + 5, x0:x0 + 5])
            logits = rng.normal(size=(h, w, self.C))
            np.put_along_axis(logits, seen[..., None], 6.0, axis=2)
            probs = np.exp(logits) / np.exp(logits).sum(axis=2, keepdims=True)
            write_png(os.path.join(root, "labels", stem + ".png"), labels, palette=palette)
            np.save(os.path.join(root, "predictions", stem + ".npy"), probs.astype(np.float32))
            samples[stem] = (labels, probs.astype(np.float32))
        return root, samples

    def write_config(self, root, config):
        with open(os.path.join(root, "dataset.json"), "w") as f:
            json.dump(config, f)

    def test_21_class_declarations_by_glob_and_stem_against_numpy(self):
        rng = np.random.default_rng(12)
        stems = ["voc_a0", "voc_a1", "voc_a2", "voc_b01", "voc_b03", "voc_b07", "other_0", "other_1"]
        root, samples = self.make_voc(rng, stems)
        b_ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
        a_names = self.NAMES[8:]  # cat .. tvmonitor
        self.write_config(root, {
            "classes": [{"name": n} for n in self.NAMES],
            "label_sets": [
                {"match": "voc_b03", "annotated": [12, 15]},       # exact stem, ids
                {"match": "voc_a*", "annotated": a_names},         # glob, names
                {"match": "voc_b0?", "annotated": b_ids},          # glob with ?
                {"match": "nothing_*", "annotated": [1]},          # matches no sample
                {"match": "voc_a1", "annotated": []},              # shadowed by voc_a*
            ]})
        annotated = {"voc_b03": [12, 15], "voc_b01": b_ids, "voc_b07": b_ids}
        for stem in ["voc_a0", "voc_a1", "voc_a2"]:
            annotated[stem] = list(range(8, self.C))
        proc = run("stats", root, "--json", expect=0)
        stats = json.loads(proc.stdout)
        self.check_stats_against_reference(stats, samples, annotated=annotated)
        # The further variants that depend on M: marginal and drop.
        by_stem = {s["stem"]: s for s in stats["samples"]}
        for stem, (labels, probs) in samples.items():
            ref = further_variants(labels, probs, annotated=annotated.get(stem))
            for n in ["marginal", "drop"]:
                m, denominator = ref[n]
                expected = m[ref["valid"]].sum() / denominator if denominator > 0 else 0.0
                self.assertAlmostEqual(by_stem[stem][n + "_mean"], expected, delta=1e-5, msg=(stem, n))
        # The declaration changes the story: fewer pixels let off than the article's rule.
        declared_removed = sum(s["removed_pixels"] for s in stats["samples"])
        article = json.loads(run("stats", root, "--json", "--ignore-label-sets", expect=0).stdout)
        self.check_stats_against_reference(article, samples)
        self.assertLess(declared_removed, sum(s["removed_pixels"] for s in article["samples"]))
        # Unused entries: warnings in the JSON and on stderr, the run still succeeds.
        messages = [w["message"] for w in stats["warnings"]]
        self.assertTrue(any('label_sets[3] (match "nothing_*") matches no sample' in m for m in messages), messages)
        self.assertTrue(any('label_sets[4] (match "voc_a1") is never used' in m for m in messages), messages)
        self.assertIn("matches no sample", proc.stderr)
        self.assertEqual(article["warnings"], [])
        # Exported maps follow the same missing sets.
        out = self.path("out")
        run("export", root, "--out", out, "--variant", "partial", "--format", "npy", expect=0)
        for stem in ["voc_a0", "voc_b03", "other_0"]:
            labels, probs = samples[stem]
            ref = reference(labels, probs, annotated=annotated.get(stem))
            np.testing.assert_array_equal(np.load(os.path.join(out, f"{stem}.bgweight.npy")), ref["w0"])
            np.testing.assert_allclose(np.load(os.path.join(out, f"{stem}.partial.npy")), ref["partial"],
                                       rtol=1e-5, atol=1e-6)
        summary = load_json(os.path.join(out, "summary.json"))
        self.assertEqual({s["stem"]: s["missing_source"] for s in summary["samples"]},
                         {s["stem"]: s["missing_source"] for s in stats["samples"]})
        # The table stays narrow with 21 classes, whatever the rule.
        for table in [run("stats", root, expect=0).stdout,
                      run("stats", root, "--ignore-label-sets", expect=0).stdout]:
            widest = max(len(line) for line in table.splitlines() if line.startswith(("voc", "other")))
            self.assertLess(widest, 170, table)

    def test_not_exhaustive_classes_are_missing_where_they_have_pixels(self):
        rng = np.random.default_rng(31)
        stems = ["voc_a0", "voc_a1", "voc_a2", "voc_b0", "voc_b1"]
        root, samples = self.make_voc(rng, stems)
        # Not exhaustive: for each voc_a sample, a class it has pixels of (LVIS's case) and one
        # it has none of; voc_b samples declare none.
        not_exhaustive = {}
        for stem in ["voc_a0", "voc_a1", "voc_a2"]:
            labels = samples[stem][0]
            present = sorted(int(v) for v in np.unique(labels) if 0 < v < 255)
            absent = [k for k in range(1, self.C) if k not in present]
            not_exhaustive[stem] = [present[0], absent[0]]
        self.write_config(root, {
            "classes": [{"name": n} for n in self.NAMES],
            "label_sets": [{"match": stem, "annotated": list(range(1, self.C)),
                            "not_exhaustive": [self.NAMES[not_exhaustive[stem][0]], not_exhaustive[stem][1]]}
                           for stem in not_exhaustive] +
                          [{"match": "voc_b*", "annotated": [1, 2, 3]}]})
        annotated = {stem: list(range(1, self.C)) for stem in not_exhaustive}
        annotated.update({"voc_b0": [1, 2, 3], "voc_b1": [1, 2, 3]})
        stats = json.loads(run("stats", root, "--json", expect=0).stdout)
        self.check_stats_against_reference(stats, samples, annotated=annotated,
                                           not_exhaustive=not_exhaustive)
        by_stem = {s["stem"]: s for s in stats["samples"]}
        for stem, (labels, probs) in samples.items():
            # The class with pixels is in M although it is labelled.
            if stem in not_exhaustive:
                self.assertIn(not_exhaustive[stem][0], by_stem[stem]["missing"])
            ref = further_variants(labels, probs, annotated=annotated.get(stem),
                                   not_exhaustive=not_exhaustive.get(stem))
            for n in ["marginal", "drop"]:
                m, denominator = ref[n]
                expected = m[ref["valid"]].sum() / denominator if denominator > 0 else 0.0
                self.assertAlmostEqual(by_stem[stem][n + "_mean"], expected, delta=1e-5, msg=(stem, n))
        # An id beyond the predictions' classes fails that sample only, naming the entry.
        self.write_config(root, {"label_sets": [{"match": "voc_a0", "annotated": [], "not_exhaustive": [40]}]})
        proc = run("stats", root, "--json", expect=1)
        self.assertIn('label_sets[0] (match "voc_a0") declares class 40 not exhaustive', proc.stderr)

    def test_malformed_label_sets_exit_2_naming_dataset_json_and_the_entry(self):
        rng = np.random.default_rng(13)
        root, _ = self.make_voc(rng, ["voc_a0"])
        classes = [{"name": n} for n in self.NAMES]
        cases = [
            ({"match": "x", "annotated": [1]}, "'label_sets' must be a list"),
            (["voc_*"], "label_sets[0] must be an object"),
            ([{"annotated": [1]}], "label_sets[0]: 'match' must be a non-empty string"),
            ([{"match": 3, "annotated": [1]}], "'match' must be a non-empty string"),
            ([{"match": "a", "annotated": [1]}, {"match": "voc_*", "annotated": "cat"}],
             "label_sets[1] (match \"voc_*\"): 'annotated' must be a list"),
            ([{"match": "voc_*", "annotated": ["cat", "unicorn"]}],
             "label_sets[0] (match \"voc_*\"): unknown class name 'unicorn'"),
            ([{"match": "voc_*", "annotated": [21]}], "class id 21 is outside 0..20"),
            ([{"match": "voc_*", "annotated": [[1]]}], "annotated[0] must be a class id or a class name"),
        ]
        for label_sets, reason in cases:
            self.write_config(root, {"classes": classes, "label_sets": label_sets})
            proc = run("stats", root, "--json", expect=2)
            self.assertIn("dataset.json", proc.stderr, label_sets)
            self.assertIn(reason, proc.stderr, label_sets)
            self.assertEqual(proc.stdout, "")
            run("export", root, "--out", self.path("never"), expect=2)
            self.assertFalse(os.path.exists(self.path("never", "summary.json")))

    def test_id_beyond_the_predictions_classes_fails_that_sample_only(self):
        # No classes in dataset.json: ids are checked against each sample's prediction.
        rng = np.random.default_rng(14)
        root, samples = self.make_voc(rng, ["voc_a0", "voc_a1"])
        small = samples["voc_a1"][1][..., :4].copy()
        small /= small.sum(axis=2, keepdims=True)
        labels = np.zeros(small.shape[:2], np.uint8)
        write_png(os.path.join(root, "labels", "voc_a1.png"), labels)
        np.save(os.path.join(root, "predictions", "voc_a1.npy"), small)
        self.write_config(root, {"label_sets": [{"match": "voc_*", "annotated": [3, 12]}]})
        proc = run("stats", root, "--json", expect=1)
        stats = json.loads(proc.stdout)
        self.assertEqual([s["stem"] for s in stats["samples"]], ["voc_a0"])
        self.assertEqual(len(stats["errors"]), 1)
        error = stats["errors"][0]
        self.assertEqual(error["stem"], "voc_a1")
        self.assertTrue(error["file"].endswith("dataset.json"), error)
        self.assertIn('label_sets[0] (match "voc_*") declares class 12 annotated, but voc_a1.npy has 4 classes',
                      error["message"])
        self.assertIn("voc_a1", proc.stderr)
        self.check_stats_against_reference(
            {"samples": stats["samples"], "mean": stats["mean"]},
            {"voc_a0": samples["voc_a0"]}, annotated={"voc_a0": [3, 12]})

    def test_demo_with_label_sets(self):
        data = self.path("demo")
        run("demo", data, "--count", 6, "--size", 64, "--missing", 2, "--label-sets", expect=0)
        config = load_json(os.path.join(data, "dataset.json"))
        self.assertEqual(config["label_sets"][-1], {"match": "demo_*", "annotated": [1, 2, 3]})
        stats = json.loads(run("stats", data, "--json", expect=0).stdout)
        self.assertEqual({s["missing_source"] for s in stats["samples"]}, {"declared"})
        removed = config["demo"]["removed"]
        samples = {}
        annotated = {}
        for s in stats["samples"]:
            stem = s["stem"]
            self.assertEqual(s["missing"], removed.get(stem, []), stem)
            labels, _ = read_png(os.path.join(data, "labels", stem + ".png"))
            samples[stem] = (labels, np.load(os.path.join(data, "predictions", stem + ".npy")))
            annotated[stem] = [c for c in [1, 2, 3] if c not in removed.get(stem, [])]
        self.check_stats_against_reference(stats, samples, annotated=annotated)


class Frictions(Base):
    """Small things a first run meets: help without a display, progress lines, help text."""

    def test_window_help_and_version_need_no_display(self):
        gui = os.path.join(os.path.dirname(CLI), "losslens")
        if not os.path.exists(gui):
            self.skipTest("the window is not built")
        env = {k: v for k, v in os.environ.items()
               if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        for flag, text in [("--help", "Usage:"), ("--version", "0.")]:
            proc = subprocess.run([gui, flag], capture_output=True, text=True, env=env, timeout=60)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn(text, proc.stdout)
        proc = subprocess.run([gui, self.tmp], capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no display", proc.stderr)
        self.assertIn("losslens-cli", proc.stderr)

    def test_final_message_starts_its_own_line_after_progress(self):
        import pty
        master, slave = pty.openpty()
        proc = subprocess.Popen([CLI, "demo", self.path("d"), "--count", "24", "--size", "64"],
                                stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        self.assertEqual(proc.wait(timeout=120), 0)
        os.close(master)
        text = b"".join(chunks).decode()
        self.assertIn("\r", text, "a terminal gets a progress line")
        last = text.replace("\r\n", "\n").split("\n")
        final = [line for line in last if "wrote 24 demo samples" in line]
        self.assertEqual(len(final), 1, text)
        self.assertTrue(final[0].startswith("wrote"), repr(final[0]))

    def test_stats_help_names_every_json_key(self):
        run("demo", self.path("demo"), "--count", 2, "--size", 32, expect=0)
        stats = json.loads(run("stats", self.path("demo"), "--json", expect=0).stdout)
        help_text = run("stats", "--help", expect=0).stdout
        for key in stats:
            self.assertIn(key, help_text, key)
        for key in stats["samples"][0]:
            if key.endswith("_mean"):
                continue
            self.assertIn(key, help_text, key)
        self.assertIn("<variant>_mean", help_text)
        self.assertIn("reduced_share", help_text)


class Runs(Base):
    """Spec section 5: several prediction sets (runs) for one data set, against numpy per run."""

    RUNS = ["ckpt_a", "ckpt_b", "partial_model"]

    def make_runs(self):
        rng = np.random.default_rng(11)
        root = self.path("runs")
        os.makedirs(os.path.join(root, "labels"))
        labels = {}
        for i in range(4):
            stem = f"s{i}"
            lab = rng.choice([0, 1, 2] if i % 2 else [0, 1, 2, 3], size=(12, 17)).astype(np.uint8)
            lab[0, 0] = 255
            write_png(os.path.join(root, "labels", stem + ".png"), lab)
            labels[stem] = lab
        probs = {}
        for run_name in self.RUNS:
            os.makedirs(os.path.join(root, "predictions", run_name))
            for stem in labels:
                if run_name == "ckpt_b" and stem == "s3":
                    continue  # this run lacks a stem
                p = rng.dirichlet(np.ones(4) * 0.6, size=(12, 17)).astype(np.float32)
                np.save(os.path.join(root, "predictions", run_name, stem + ".npy"), p)
                probs[(run_name, stem)] = p
        return root, labels, probs

    def samples_of(self, run_name, labels, probs):
        return {stem: (labels[stem], probs[(run_name, stem)]) for stem in labels
                if (run_name, stem) in probs}

    def test_stats_per_run_against_numpy(self):
        root, labels, probs = self.make_runs()
        proc = run("stats", root, "--json", expect=1)  # ckpt_b lacks s3: that run's error
        stats = json.loads(proc.stdout)
        self.assertEqual(sorted(stats.keys()), ["classes", "runs"])
        self.assertEqual(list(stats["runs"].keys()), self.RUNS)  # ordered by name
        for run_name in self.RUNS:
            one = stats["runs"][run_name]
            self.assertEqual(sorted(one.keys()), ["errors", "mean", "per_class", "samples", "warnings"])
            self.check_stats_against_reference(one, self.samples_of(run_name, labels, probs))
        errors = stats["runs"]["ckpt_b"]["errors"]
        self.assertEqual([e["stem"] for e in errors], ["s3"])
        self.assertIn("predictions/ckpt_b/s3.npy", errors[0]["message"])
        self.assertEqual(stats["runs"]["ckpt_a"]["errors"], [])
        self.assertIn("ckpt_b", proc.stderr)

        # --run: exactly the one-run object of section 3, for that run only.
        one = json.loads(run("stats", root, "--json", "--run", "ckpt_a", expect=0).stdout)
        self.assertIn("classes", one)
        self.assertNotIn("runs", one)
        self.check_stats_against_reference(one, self.samples_of("ckpt_a", labels, probs))

        # The table: a section per run and the comparison of set means.
        table = run("stats", root, expect=1).stdout
        for run_name in self.RUNS:
            self.assertIn("== run " + run_name + " ==", table)
        self.assertIn("Runs compared", table)
        comparison = table[table.index("Runs compared"):]
        for run_name in self.RUNS:
            row = [line for line in comparison.splitlines() if line.startswith(run_name)]
            self.assertEqual(len(row), 1, comparison)
            std_mean = float(row[0].split()[1])
            self.assertAlmostEqual(std_mean, stats["runs"][run_name]["mean"]["standard"], delta=1e-5)

    def test_unknown_run_mixed_layout_and_exports(self):
        root, labels, probs = self.make_runs()
        proc = run("stats", root, "--run", "nope", expect=2)
        for run_name in self.RUNS:
            self.assertIn(run_name, proc.stderr)
        self.assertIn("nope", proc.stderr)

        out = self.path("out")
        run("export", root, "--out", out, "--format", "npy", expect=1)
        self.assertEqual(sorted(os.listdir(out)), self.RUNS)
        for run_name in self.RUNS:
            for stem in labels:
                written = os.path.join(out, run_name, stem + ".standard.npy")
                self.assertEqual(os.path.exists(written), (run_name, stem) in probs, written)
            ref = reference(labels["s0"], probs[(run_name, "s0")])
            got = np.load(os.path.join(out, run_name, "s0.standard.npy"))
            self.assertAlmostEqual(float(got.sum()), ref["standard_sum"], delta=1e-3)
        single = self.path("single")
        run("export", root, "--out", single, "--run", "partial_model", "--format", "npy", expect=0)
        self.assertTrue(os.path.exists(os.path.join(single, "s0.standard.npy")))

        bench = json.loads(run("bench", root, "--run", "ckpt_a", "--json", "--repeat", 1, expect=0).stdout)
        self.assertEqual(bench["samples"], 4)

        # A .npy beside run folders: a data-set-level error naming predictions/.
        np.save(os.path.join(root, "predictions", "stray.npy"), probs[("ckpt_a", "s0")])
        proc = run("stats", root, expect=2)
        self.assertIn("predictions", proc.stderr)
        self.assertIn("both .npy files and run folders", proc.stderr)

    def test_one_run_folder_and_flat_sets_behave_as_before(self):
        root, labels, probs = self.make_runs()
        for run_name in self.RUNS[1:]:
            shutil.rmtree(os.path.join(root, "predictions", run_name))
        stats = json.loads(run("stats", root, "--json", expect=0).stdout)
        self.assertNotIn("runs", stats)
        self.check_stats_against_reference(stats, self.samples_of("ckpt_a", labels, probs))
        # The flat layout: --run is unknown there.
        flat = self.path("flat")
        shutil.copytree(os.path.join(root, "labels"), os.path.join(flat, "labels"))
        shutil.copytree(os.path.join(root, "predictions", "ckpt_a"), os.path.join(flat, "predictions"))
        again = json.loads(run("stats", flat, "--json", expect=0).stdout)
        self.assertEqual(again["mean"], stats["mean"])
        proc = run("stats", flat, "--run", "ckpt_a", expect=2)
        self.assertIn("no runs", proc.stderr)


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--cli":
        sys.exit("usage: test_cli.py --cli PATH [unittest args]")
    CLI = os.path.abspath(args[1])
    unittest.main(argv=[sys.argv[0], "-v", *args[2:]])
