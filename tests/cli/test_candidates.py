"""End-to-end tests of losslens-cli candidates (spec section 6, label cli). The candidates,
their order, every field, the COCO RLE masks and the proposed labels are checked against a
reference written here from the spec alone: components by a breadth-first search over
8-neighbours, RLE decoded by its own decoder.

Usage: /usr/bin/python3 test_candidates.py --cli PATH [unittest args]
"""
import csv
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest
import zlib

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pngio import read_png, write_png  # noqa: E402

CLI = None
EPS = np.float32(1e-7)


def run(*args, expect=None):
    proc = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300)
    if expect is not None and proc.returncode != expect:
        raise AssertionError(f"{args}: exit {proc.returncode}, expected {expect}\n"
                             f"stdout: {proc.stdout[:2000]}\nstderr: {proc.stderr}")
    return proc


def missing_set(labels, c, ignore=255, annotated=None):
    present = set(int(v) for v in np.unique(labels[labels != ignore]))
    return [k for k in range(1, c) if k not in present and (annotated is None or k not in annotated)]


def reference_candidates(stem, labels, probs, ignore=255, annotated=None, min_conf=0.5, min_area=16):
    """Spec section 6 for one sample: a list of dicts, unranked, with the mask and first pixel."""
    probs = probs.astype(np.float32)
    h, w, c = probs.shape
    k = np.argmax(probs, axis=2)  # ties to the lowest index
    pk = np.take_along_axis(probs, k[..., None], axis=2)[..., 0]
    cand = (labels != ignore) & (labels == 0) & (k != 0) & (pk >= np.float32(min_conf))
    missing = set(missing_set(labels, c, ignore, annotated))
    seen = np.zeros((h, w), dtype=bool)
    out = []
    for y0 in range(h):
        for x0 in range(w):
            if not cand[y0, x0] or seen[y0, x0]:
                continue
            cls = k[y0, x0]
            stack, pixels = [(y0, x0)], []
            seen[y0, x0] = True
            while stack:
                y, x = stack.pop()
                pixels.append((y, x))
                for dy in (-1, 0, 1):
                    for dx in (-1, 0, 1):
                        yy, xx = y + dy, x + dx
                        if 0 <= yy < h and 0 <= xx < w and not seen[yy, xx] and cand[yy, xx] \
                                and k[yy, xx] == cls:
                            seen[yy, xx] = True
                            stack.append((yy, xx))
            if len(pixels) < min_area:
                continue
            ys = np.array([p[0] for p in pixels])
            xs = np.array([p[1] for p in pixels])
            p0 = np.clip(probs[ys, xs, 0], EPS, np.float32(1) - EPS).astype(np.float64)
            mask = np.zeros((h, w), dtype=bool)
            mask[ys, xs] = True
            out.append({
                "stem": stem, "class": int(cls), "area": len(pixels),
                "bbox": [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)],
                "confidence": float(probs[ys, xs, cls].astype(np.float64).mean()),
                "penalty": float(-np.log(p0).sum()), "missing": int(cls) in missing,
                "first": y0 * w + x0, "mask": mask,
            })
    return out


def rank(cands):
    ordered = sorted(cands, key=lambda c: (-c["penalty"], c["stem"], c["first"]))
    per_stem = {}
    for c in sorted(cands, key=lambda c: (-c["penalty"], c["first"])):
        per_stem[c["stem"]] = per_stem.get(c["stem"], 0) + 1
        c["id"] = per_stem[c["stem"]]
    return ordered


def decode_rle_string(s):
    """COCO's compressed counts, decoded from the description of pycocotools' rleFrString."""
    counts, p = [], 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            c = ord(s[p]) - 48
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and (c & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def decode_mask(counts, h, w):
    flat = np.zeros(h * w, dtype=bool)
    pos, value = 0, False
    for n in counts:
        assert n >= 0
        flat[pos:pos + n] = value
        pos += n
        value = not value
    assert pos == h * w, (pos, h * w)
    return flat.reshape(w, h).T  # column-major


def unfilter(raw, h, stride, bpp):
    """PNG's five row filters undone (the PNG specification, section 9)."""
    out = np.zeros((h, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(h):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        ftype, row = line[0], np.frombuffer(line[1:], dtype=np.uint8).astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        for x in range(stride):
            a = cur[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ftype == 0:
                p = 0
            elif ftype == 1:
                p = a
            elif ftype == 2:
                p = b
            elif ftype == 3:
                p = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[x] = (row[x] + p) & 0xFF
        out[y] = cur
        prev = cur
    return out


def png_palette(path):
    with open(path, "rb") as f:
        data = f.read()
    pos, palette, colour_type = 8, None, None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            colour_type = body[9]
        if kind == b"PLTE":
            palette = np.frombuffer(body, dtype=np.uint8).reshape(-1, 3)
        pos += 12 + length
    return colour_type, palette


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="losslens-candidates-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def compare(self, got, expected, tol=1e-5):
        self.assertEqual(len(got), len(expected), [(c["stem"], c["class"], c["area"]) for c in got])
        for i, (g, e) in enumerate(zip(got, expected)):
            where = f"rank {i + 1}: {g['stem']} vs {e['stem']}"
            self.assertEqual(g["rank"], i + 1, where)
            for key in ("stem", "class", "area", "bbox", "missing", "id"):
                self.assertEqual(g[key], e[key], f"{where}: {key}")
            self.assertAlmostEqual(g["confidence"], e["confidence"], delta=tol, msg=where)
            self.assertAlmostEqual(g["penalty"], e["penalty"], delta=tol * max(1.0, e["penalty"]), msg=where)
            self.assertEqual(g["score"], g["penalty"], where)


class CraftedSet(Base):
    """A set made for the rules' edges: two classes touching, diagonal connectivity, the
    min-area boundary, confidence exactly at the threshold, ignore pixels, exact ties
    across stems and within a sample, a 16-bit label and a palette label."""

    def make(self):
        root = self.path("crafted")
        for sub in ("labels", "predictions"):
            os.makedirs(os.path.join(root, sub))
        names = ["background", "cat", "dog", "cow"]
        with open(os.path.join(root, "dataset.json"), "w") as f:
            json.dump({"classes": [{"name": n} for n in names]}, f)
        rng = np.random.default_rng(7)
        samples = {}
        palette = rng.integers(0, 256, size=(4, 3))
        for i in range(5):
            h, w = 40 + i, 37
            labels = np.zeros((h, w), dtype=np.uint8)
            probs = rng.dirichlet(np.ones(4) * 0.7, size=(h, w)).astype(np.float32)
            probs[..., 0] += 2.0
            probs /= probs.sum(axis=2, keepdims=True)  # mostly background
            def blob(y, x, hh, ww, cls, p):
                probs[y:y + hh, x:x + ww] = (1 - p) / 3
                probs[y:y + hh, x:x + ww, cls] = p
            blob(2, 2, 4, 4, 1, 0.9)          # 16 px: exactly min_area
            blob(2, 10, 3, 5, 1, 0.9)         # 15 px: one short
            blob(10, 2, 4, 4, 1, 0.8)         # cat touching dog: two candidates
            blob(10, 6, 4, 4, 2, 0.8)
            for d in range(20):               # a diagonal line: one 8-connected component
                blob(16 + d % 18, 14 + d, 1, 1, 3, 0.7)
            blob(20, 2, 4, 5, 2, 0.5)         # confidence exactly 0.5: in
            blob(26, 2, 4, 5, 2, 0.49)        # just below: out
            blob(30, 20, 5, 5, 1, 0.95)       # half of it labelled cat, a 2-wide strip ignored
            labels[30:35, 20:22] = 1
            labels[30:35, 22:24] = 255
            blob(34, 30, 4, 4, 3, 0.6)        # two identical blobs: a tie by first pixel
            blob(0, 30, 4, 4, 3, 0.6)
            if i == 1:
                labels[38, 0] = 2            # dog present here: its candidates are not missing
            stem = f"s{i}"
            if i == 3:
                write_png(os.path.join(root, "labels", stem + ".png"), labels.astype(np.uint16), bit_depth=16)
            else:
                write_png(os.path.join(root, "labels", stem + ".png"), labels,
                          palette=palette if i == 4 else None)
            np.save(os.path.join(root, "predictions", stem + ".npy"), probs)
            samples[stem] = (labels, probs)
        return root, samples, palette

    def test_every_field_and_the_order_match_the_reference(self):
        root, samples, _ = self.make()
        got = json.loads(run("candidates", root, "--format", "json", "--jobs", "2", expect=0).stdout)
        expected = []
        for stem, (labels, probs) in samples.items():
            expected += reference_candidates(stem, labels, probs)
        expected = rank(expected)
        self.compare(got["candidates"], expected)
        # The edges: exactly min_area is in and one short is out; touching classes are two;
        # the diagonal is one; 0.5 is in; the ignored strip and labelled half are not counted.
        s0 = [c for c in got["candidates"] if c["stem"] == "s0"]
        self.assertIn([2, 2, 4, 4], [c["bbox"] for c in s0])
        self.assertNotIn([10, 2, 5, 3], [c["bbox"] for c in s0])
        self.assertIn([2, 10, 4, 4], [c["bbox"] for c in s0])
        self.assertIn([6, 10, 4, 4], [c["bbox"] for c in s0])
        diag = [c for c in s0 if c["class"] == 3 and c["area"] >= 18]
        self.assertEqual(len(diag), 1, s0)
        self.assertIn([2, 20, 5, 4], [c["bbox"] for c in s0])
        self.assertNotIn([2, 26, 5, 4], [c["bbox"] for c in s0])
        # The blob at (20..24, 30..34): two columns labelled cat, two ignored, one left
        # (5 px): too small, so no candidate starts left of column 24 in those rows.
        self.assertFalse(any(c["bbox"][1] == 30 and 20 <= c["bbox"][0] < 25 for c in s0), s0)
        # Dog is present in s1, so its candidates there are label errors, not missing.
        self.assertTrue(all(not c["missing"] for c in got["candidates"] if c["stem"] == "s1" and c["class"] == 2))
        self.assertEqual(got["options"]["min_area"], 16)
        self.assertEqual(len(got["samples"]), 5)

    def test_options_filter_as_the_reference_does(self):
        root, samples, _ = self.make()
        got = json.loads(run("candidates", root, "--format", "json", "--min-confidence", "0.75",
                             "--min-area", "10", expect=0).stdout)
        expected = []
        for stem, (labels, probs) in samples.items():
            expected += reference_candidates(stem, labels, probs, min_conf=0.75, min_area=10)
        expected = rank(expected)
        self.compare(got["candidates"], expected)
        # --class, --missing-only and --top select from the same ranking; ids stay per sample.
        top = json.loads(run("candidates", root, "--format", "json", "--min-confidence", "0.75",
                             "--min-area", "10", "--class", "cat", "--missing-only", "--top", "3",
                             expect=0).stdout)
        chosen = [c for c in expected if c["class"] == 1 and c["missing"]][:3]
        self.compare(top["candidates"], chosen)
        by_id = json.loads(run("candidates", root, "--format", "json", "--class", "1", "--top", "2",
                               "--min-confidence", "0.75", "--min-area", "10", expect=0).stdout)
        self.compare(by_id["candidates"], [c for c in expected if c["class"] == 1][:2])

    def test_csv_and_table_carry_the_same_ranking(self):
        root, _, _ = self.make()
        got = json.loads(run("candidates", root, "--format", "json", expect=0).stdout)["candidates"]
        rows = list(csv.DictReader(io.StringIO(run("candidates", root, "--format", "csv", expect=0).stdout)))
        self.assertEqual(len(rows), len(got))
        for row, c in zip(rows, got):
            self.assertEqual((row["stem"], int(row["id"]), int(row["class"]), int(row["area"])),
                             (c["stem"], c["id"], c["class"], c["area"]))
            self.assertAlmostEqual(float(row["penalty"]), c["penalty"], delta=1e-6 * c["penalty"])
            self.assertEqual(row["missing"], "true" if c["missing"] else "false")
        table = run("candidates", root, expect=0).stdout.splitlines()
        self.assertTrue(table[0].split()[:3] == ["rank", "stem", "id"], table[0])
        self.assertEqual(table[1].split()[1], got[0]["stem"])

    def test_coco_masks_decode_to_the_reference_components(self):
        root, samples, _ = self.make()
        out = self.path("cands.json")
        run("candidates", root, "--format", "coco", "--out", out, expect=0)
        with open(out) as f:
            coco = json.load(f)
        images = {im["id"]: im for im in coco["images"]}
        self.assertEqual(sorted(im["file_name"] for im in images.values()), [f"s{i}.png" for i in range(5)])
        self.assertEqual([(c["id"], c["name"]) for c in coco["categories"]], [(1, "cat"), (2, "dog"), (3, "cow")])
        expected = []
        for stem, (labels, probs) in samples.items():
            expected += reference_candidates(stem, labels, probs)
        expected = rank(expected)
        self.assertEqual(len(coco["annotations"]), len(expected))
        ids = set()
        for a, e in zip(coco["annotations"], expected):
            self.assertNotIn(a["id"], ids)
            ids.add(a["id"])
            image = images[a["image_id"]]
            self.assertEqual(image["file_name"], e["stem"] + ".png")
            h, w = e["mask"].shape
            self.assertEqual((image["height"], image["width"]), (h, w))
            self.assertEqual(a["segmentation"]["size"], [h, w])
            self.assertIsInstance(a["segmentation"]["counts"], str)
            mask = decode_mask(decode_rle_string(a["segmentation"]["counts"]), h, w)
            np.testing.assert_array_equal(mask, e["mask"], err_msg=e["stem"])
            self.assertEqual((a["category_id"], a["area"], a["bbox"], a["iscrowd"]), (e["class"], e["area"], e["bbox"], 0))
            self.assertAlmostEqual(a["score"], e["penalty"], delta=1e-5 * e["penalty"])
        # --out never replaces a file unless asked.
        run("candidates", root, "--format", "coco", "--out", out, expect=2)
        run("candidates", root, "--format", "coco", "--out", out, "--overwrite", expect=0)

    def test_write_labels_proposes_corrections_in_the_input_format(self):
        root, samples, palette = self.make()
        out = self.path("proposed")
        run("candidates", root, "--write-labels", out, "--min-area", "16", expect=0)
        expected = []
        for stem, (labels, probs) in samples.items():
            expected += reference_candidates(stem, labels, probs)
        for stem, (labels, _) in samples.items():
            proposed = labels.copy().astype(np.int64)
            for c in expected:
                if c["stem"] == stem:
                    proposed[c["mask"]] = c["class"]
            file = os.path.join(out, stem + ".png")
            self.assertTrue(os.path.exists(file), stem)
            if stem == "s3":  # 16-bit grey in, 16-bit grey out
                with open(file, "rb") as f:
                    head = f.read(33)
                self.assertEqual((head[24], head[25]), (16, 0))
                raw = zlib.decompress(b"".join(self._idat(file)))
                h, w = labels.shape
                rows = unfilter(raw, h, 2 * w, 2).view(">u2").reshape(h, w)
                np.testing.assert_array_equal(rows, proposed)
                continue
            got, colour_type = read_png(file)
            np.testing.assert_array_equal(got, proposed, err_msg=stem)
            kind, pal = png_palette(file)
            if stem == "s4":
                self.assertEqual(kind, 3)
                np.testing.assert_array_equal(pal[:4], palette)
            else:
                self.assertEqual(kind, 0)
        # The labels of the set itself are untouched, and nothing is replaced without asking.
        np.testing.assert_array_equal(read_png(os.path.join(root, "labels", "s0.png"))[0], samples["s0"][0])
        proc = run("candidates", root, "--write-labels", out, expect=1)
        self.assertIn("use --overwrite", proc.stderr)
        run("candidates", root, "--write-labels", out, "--overwrite", expect=0)

    def test_shards_merge_into_the_whole_sets_ranking(self):
        root, _, _ = self.make()
        with open(os.path.join(root, "predictions", "s2.npy"), "wb") as f:
            f.write(b"\x93NUMPY garbage")  # a failed sample travels through its shard too
        for extra in ([], ["--top", "4", "--min-area", "3"]):
            whole = json.loads(run("candidates", root, "--format", "json", *extra, expect=1).stdout)
            parts = []
            for i in range(3):
                part = self.path(f"part{i}.json")
                with open(part, "w") as f:
                    f.write(run("candidates", root, "--format", "json", "--shard", f"{i}/3", *extra).stdout)
                parts.append(part)
            merged = json.loads(run("merge", *parts, "--json", expect=1).stdout)
            self.assertEqual(merged, whole, extra)
            table = run("merge", *parts, expect=1).stdout
            self.assertEqual(table, run("candidates", root, *extra, expect=1).stdout)
        proc = run("merge", parts[0], parts[1], expect=2)
        self.assertIn("shard 2 of 3 is missing", proc.stderr)
        other = self.path("other.json")
        with open(other, "w") as f:
            f.write(run("candidates", root, "--format", "json", "--shard", "2/3").stdout)
        proc = run("merge", parts[0], parts[1], other, expect=2)
        self.assertIn("other options", proc.stderr)
        run("candidates", root, "--shard", "0/3", expect=2)  # a part is JSON

    @staticmethod
    def _idat(path):
        with open(path, "rb") as f:
            data = f.read()
        pos = 8
        while pos < len(data):
            (length,) = struct.unpack(">I", data[pos:pos + 4])
            if data[pos + 4:pos + 8] == b"IDAT":
                yield data[pos + 8:pos + 8 + length]
            pos += 12 + length

    def test_bad_sample_usage_and_statuses(self):
        root, _, _ = self.make()
        with open(os.path.join(root, "predictions", "s2.npy"), "wb") as f:
            f.write(b"\x93NUMPY garbage")
        proc = run("candidates", root, "--format", "json", expect=1)
        got = json.loads(proc.stdout)
        self.assertEqual([e["stem"] for e in got["errors"]], ["s2"])
        self.assertIn("s2.npy", proc.stderr)
        self.assertFalse(any(c["stem"] == "s2" for c in got["candidates"]))
        run("candidates", root, "--format", "xml", expect=2)
        run("candidates", root, "--class", "horse", expect=2)
        run("candidates", root, "--min-confidence", "1.5", expect=2)
        run("candidates", self.path("nowhere"), expect=2)
        undecided = json.loads(run("candidates", root, "--format", "json", "--status", "undecided", expect=1).stdout)
        self.assertEqual(len(undecided["candidates"]), len(got["candidates"]))
        confirmed = json.loads(run("candidates", root, "--format", "json", "--status", "confirmed", expect=1).stdout)
        self.assertEqual(confirmed["candidates"], [])
        # Runs: one is chosen with --run (its name in every candidate), none is a usage error.
        preds = os.path.join(root, "predictions")
        for name in ("model_a", "model_b"):
            os.makedirs(os.path.join(preds, name))
            for f in os.listdir(preds):
                if f.endswith(".npy"):
                    shutil.copy(os.path.join(preds, f), os.path.join(preds, name, f))
        for f in os.listdir(preds):
            if f.endswith(".npy"):
                os.remove(os.path.join(preds, f))
        proc = run("candidates", root, expect=2)
        self.assertIn("model_a, model_b", proc.stderr)
        by_run = json.loads(run("candidates", root, "--run", "model_b", "--format", "json", expect=1).stdout)
        self.assertEqual({c["run"] for c in by_run["candidates"]}, {"model_b"})
        self.assertEqual([c["penalty"] for c in by_run["candidates"]], [c["penalty"] for c in got["candidates"]])


class DemoAndVocSets(Base):
    """The demo set and a 21-class VOC-like set with declared label sets, against the reference."""

    def check_set(self, root, annotated_of):
        got = json.loads(run("candidates", root, "--format", "json", "--jobs", "2", expect=0).stdout)
        expected = []
        for stem in sorted(os.path.splitext(f)[0] for f in os.listdir(os.path.join(root, "labels"))):
            labels, _ = read_png(os.path.join(root, "labels", stem + ".png"))
            probs = np.load(os.path.join(root, "predictions", stem + ".npy"))
            expected += reference_candidates(stem, labels, probs, annotated=annotated_of(stem))
        self.compare(got["candidates"], rank(expected))
        return got

    def test_demo(self):
        root = self.path("demo")
        run("demo", root, "--count", "6", "--size", "96", "--missing", "5", expect=0)
        got = self.check_set(root, lambda stem: None)
        with open(os.path.join(root, "dataset.json")) as f:
            removed = json.load(f)["demo"]
        self.assertGreater(sum(c["missing"] for c in got["candidates"]), 0, removed)

    def test_voc_like_21_classes_with_label_sets(self):
        root = self.path("voc")
        script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "make_voc_like.py")
        subprocess.run([sys.executable, script, root, "--count", "6", "--width", "80", "--height", "64"],
                       check=True, capture_output=True)
        with open(os.path.join(root, "dataset.json")) as f:
            config = json.load(f)
        names = [c["name"] for c in config["classes"]]
        import fnmatch

        def annotated_of(stem):
            for entry in config.get("label_sets", []):
                if fnmatch.fnmatchcase(stem, entry["match"]):
                    return [a if isinstance(a, int) else names.index(a) for a in entry["annotated"]]
            return None
        got = self.check_set(root, annotated_of)
        self.assertGreater(len(got["candidates"]), 0)


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--cli":
        sys.exit("usage: test_candidates.py --cli PATH [unittest args]")
    CLI = os.path.abspath(args[1])
    unittest.main(argv=[sys.argv[0], "-v", *args[2:]])
