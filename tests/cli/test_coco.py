"""End-to-end tests of COCO and LVIS annotation files as a data set's labels (spec section 8,
with section 4's not-exhaustive classes). The label maps, missing sets and means of
`losslens-cli stats --json` and the exported loss maps are checked against a reference written
here from the spec alone: polygons by the crossing-number test at every pixel centre (no
scanlines), RLE by its own decoder and encoder (pycocotools' algorithm, written again).

Usage: /usr/bin/python3 test_coco.py --cli PATH [unittest args]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_cli import further_variants, reference  # noqa: E402

CLI = None


def run(*args, expect=None):
    proc = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300)
    if expect is not None and proc.returncode != expect:
        raise AssertionError(f"{args}: exit {proc.returncode}, expected {expect}\n"
                             f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
    return proc


# --- the reference -------------------------------------------------------------------------

def polygon_mask(polygon, h, w):
    """Pixels whose centre lies inside by the even-odd rule (crossing-number test)."""
    px = np.arange(w)[None, :] + 0.5
    py = np.arange(h)[:, None] + 0.5
    xs, ys = polygon[0::2], polygon[1::2]
    inside = np.zeros((h, w), bool)
    n = len(xs)
    for i in range(n):
        j = i - 1
        xi, yi, xj, yj = xs[i], ys[i], xs[j], ys[j]
        if yi == yj:
            continue
        spans = (yi > py) != (yj > py)
        x_cross = (xj - xi) * (py - yi) / (yj - yi) + xi
        inside ^= spans & (px < x_cross)
    return inside


def rle_decode(counts, h, w):
    flat = np.zeros(h * w, bool)
    pos = 0
    for i, c in enumerate(counts):
        if i % 2 == 1:
            flat[pos:pos + c] = True
        pos += c
    assert pos == h * w
    return flat.reshape(w, h).T  # column-major


def rle_encode(mask):
    flat = mask.T.flatten()
    counts, value, run_length = [], False, 0
    for v in flat:
        if bool(v) != value:
            counts.append(run_length)
            value, run_length = bool(v), 0
        run_length += 1
    counts.append(run_length)
    return counts


def rle_to_string(counts):
    """pycocotools' rleToString, written again."""
    out = []
    for i, c in enumerate(counts):
        x = c - counts[i - 2] if i > 2 else c
        more = True
        while more:
            ch = x & 0x1f
            x >>= 5
            more = not ((ch & 0x10) == 0 and x == 0) and not ((ch & 0x10) != 0 and x == -1)
            if more:
                ch |= 0x20
            out.append(chr(ch + 48))
    return "".join(out)


def rle_from_string(text):
    counts, p = [], 0
    while p < len(text):
        x, k, more = 0, 0, True
        while more:
            ch = ord(text[p]) - 48
            x |= (ch & 0x1f) << (5 * k)
            more = bool(ch & 0x20)
            p += 1
            k += 1
            if not more and (ch & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    return counts


def annotation_mask(ann, h, w):
    seg = ann["segmentation"]
    if isinstance(seg, list):
        mask = np.zeros((h, w), bool)
        for polygon in seg:
            mask |= polygon_mask(polygon, h, w)
        return mask
    counts = seg["counts"]
    if isinstance(counts, str):
        counts = rle_from_string(counts)
    return rle_decode(counts, *seg["size"])


def label_map(coco, image, ignore):
    h, w = image["height"], image["width"]
    cats = sorted(c["id"] for c in coco["categories"])
    cls = {cid: i + 1 for i, cid in enumerate(cats)}
    anns = [a for a in coco["annotations"] if a["image_id"] == image["id"]]
    masks = {a["id"]: annotation_mask(a, h, w) for a in anns}
    labels = np.zeros((h, w), np.int64)
    plain = [a for a in anns if not a.get("iscrowd", 0)]
    plain.sort(key=lambda a: (-(a["area"] if "area" in a else int(masks[a["id"]].sum())), a["id"]))
    for a in plain:
        labels[masks[a["id"]]] = cls[a["category_id"]]
    for a in anns:
        if a.get("iscrowd", 0):
            labels[masks[a["id"]]] = ignore
    lvis = any("neg_category_ids" in i or "not_exhaustive_category_ids" in i for i in coco["images"])
    if not lvis:
        return labels, list(range(1, len(cats) + 1)), []
    annotated = sorted({cls[a["category_id"]] for a in anns} |
                       {cls[c] for c in image.get("neg_category_ids", [])})
    return labels, annotated, [cls[c] for c in image.get("not_exhaustive_category_ids", [])]


def stem_of(file_name):
    return os.path.splitext(file_name)[0].replace("/", "__")


# --- the data ------------------------------------------------------------------------------

def random_polygon(rng, h, w, points=None):
    cx, cy = rng.uniform(3, w - 3), rng.uniform(3, h - 3)
    n = points or int(rng.integers(3, 9))
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radius = rng.uniform(2, min(h, w) / 3, n)
    xs, ys = cx + radius * np.cos(angles), cy + radius * np.sin(angles)
    return [round(float(v), 2) for pair in zip(xs, ys) for v in pair]


def make_coco(rng, lvis):
    """Images of several sizes, folders in file names, category ids out of order and with
    gaps; polygons (one self-intersecting), multi-polygons, RLE lists and strings, crowd
    regions, overlapping objects with and without an area field."""
    categories = [{"id": cid, "name": name} for cid, name in
                  [(17, "cat"), (3, "bicycle"), (44, "bottle"), (5, "airplane"), (9, "boat")]]
    images, annotations = [], []
    next_id = 100
    for i, (h, w) in enumerate([(30, 40), (24, 24), (37, 29), (20, 50), (33, 33), (28, 36)]):
        image = {"id": 1000 + i, "file_name": (f"val/img_{i}.jpg" if i % 2 else f"img_{i}.png"),
                 "height": h, "width": w}
        used = set()
        for k in range(int(rng.integers(2, 6))):
            cat = categories[int(rng.integers(0, len(categories)))]["id"]
            used.add(cat)
            kind = (i + k) % 5
            ann = {"id": next_id, "image_id": image["id"], "category_id": cat, "iscrowd": 0}
            next_id += 1
            if kind == 0:
                ann["segmentation"] = [random_polygon(rng, h, w)]
            elif kind == 1:
                ann["segmentation"] = [random_polygon(rng, h, w), random_polygon(rng, h, w)]
            elif kind == 2:  # a bowtie: the even-odd rule matters
                x0, y0 = rng.uniform(0, w / 2), rng.uniform(0, h / 2)
                ann["segmentation"] = [[x0, y0, x0 + w / 2, y0 + h / 2, x0 + w / 2, y0, x0, y0 + h / 2]]
            elif kind == 3:
                mask = polygon_mask(random_polygon(rng, h, w), h, w)
                ann["segmentation"] = {"size": [h, w], "counts": rle_to_string(rle_encode(mask))}
            else:
                mask = polygon_mask(random_polygon(rng, h, w), h, w)
                ann["segmentation"] = {"size": [h, w], "counts": rle_encode(mask)}
            if k % 2 == 0:  # the area field when given, the pixel count otherwise
                ann["area"] = float(rng.uniform(5, 400))
            annotations.append(ann)
        if i % 3 == 1:  # a crowd region over part of the image
            mask = np.zeros((h, w), bool)
            mask[: h // 3, : w // 2] = True
            annotations.append({"id": next_id, "image_id": image["id"], "iscrowd": 1,
                                "category_id": categories[0]["id"],
                                "segmentation": {"size": [h, w], "counts": rle_encode(mask)}})
            next_id += 1
        if lvis:
            free = [c["id"] for c in categories if c["id"] not in used]
            image["neg_category_ids"] = free[:1]
            # A not-exhaustive class that has pixels (LVIS's case), and one that has none.
            image["not_exhaustive_category_ids"] = sorted(used)[:1] + free[1:2]
        images.append(image)
    return {"images": images, "annotations": annotations, "categories": categories,
            "info": {"description": "keys LossLens does not read"}, "licenses": []}


def softmax_predictions(rng, labels, c):
    logits = rng.normal(0, 1.0, labels.shape + (c,))
    valid = (labels >= 0) & (labels < c)
    np.put_along_axis(logits, np.where(valid, labels, 0)[..., None], 2.5, axis=2)
    logits[..., 1] += 1.5 * (rng.random(labels.shape) < 0.2)  # some background seen as class 1
    p = np.exp(logits - logits.max(axis=2, keepdims=True))
    return (p / p.sum(axis=2, keepdims=True)).astype(np.float32)


class Coco(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="losslens-coco-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def write_set(self, name, coco, rng, config=None):
        root = os.path.join(self.tmp, name)
        os.makedirs(os.path.join(root, "predictions"))
        with open(os.path.join(root, "annotations.json"), "w") as f:
            json.dump(coco, f)
        with open(os.path.join(root, "dataset.json"), "w") as f:
            json.dump(dict(config or {}, annotations="annotations.json"), f)
        c = len(coco["categories"]) + 1
        samples = {}
        for image in coco["images"]:
            try:
                labels, annotated, partly = label_map(coco, image, 255)
            except (AssertionError, IndexError):  # a broken annotation: no reference
                labels, annotated, partly = np.zeros((image["height"], image["width"]), np.int64), [], []
            probs = softmax_predictions(rng, labels, c)
            np.save(os.path.join(root, "predictions", stem_of(image["file_name"]) + ".npy"), probs)
            samples[stem_of(image["file_name"])] = (labels, probs, annotated, partly)
        return root, samples

    def check(self, root, samples, names):
        proc = run("stats", root, "--json", expect=0)
        stats = json.loads(proc.stdout)
        self.assertEqual(stats["classes"], names)
        by_stem = {s["stem"]: s for s in stats["samples"]}
        self.assertEqual(sorted(by_stem), sorted(samples))
        for stem, (labels, probs, annotated, partly) in samples.items():
            ref = reference(labels, probs, 255, annotated, partly)
            got = by_stem[stem]
            self.assertEqual(got["missing_source"], "declared", stem)
            self.assertEqual(got["missing"], ref["missing"], stem)
            self.assertEqual(got["valid_pixels"], ref["valid"], stem)
            self.assertEqual(got["removed_pixels"], ref["removed"], stem)
            self.assertAlmostEqual(got["standard_mean"], ref["standard_sum"] / ref["valid"], delta=1e-5)
            self.assertAlmostEqual(got["partial_mean"], ref["partial_sum"] / ref["valid"], delta=1e-5)
            further = further_variants(labels, probs, annotated=annotated, not_exhaustive=partly)
            m, denominator = further["marginal"]
            self.assertAlmostEqual(got["marginal_mean"], m[labels != 255].sum() / denominator, delta=1e-5)
        # The label maps pixel for pixel: with these predictions every class has its own
        # -log p at each pixel, so the exported standard map is the labels' fingerprint.
        out = os.path.join(self.tmp, os.path.basename(root) + "_out")
        run("export", root, "--out", out, "--variant", "all", "--format", "npy", expect=0)
        for stem, (labels, probs, annotated, partly) in samples.items():
            ref = reference(labels, probs, 255, annotated, partly)
            np.testing.assert_allclose(np.load(os.path.join(out, stem + ".standard.npy")),
                                       ref["standard"], rtol=1e-5, atol=1e-6, err_msg=stem)
            np.testing.assert_array_equal(np.load(os.path.join(out, stem + ".bgweight.npy")),
                                          ref["w0"], err_msg=stem)
        return stats

    def test_plain_coco_is_exhaustive(self):
        rng = np.random.default_rng(7)
        coco = make_coco(rng, lvis=False)
        root, samples = self.write_set("coco", coco, rng)
        names = ["background", "bicycle", "airplane", "boat", "cat", "bottle"]  # by id
        stats = self.check(root, samples, names)
        self.assertTrue(all(s["missing"] == [] for s in stats["samples"]))
        self.assertIn("val__img_1", {s["stem"] for s in stats["samples"]})
        # Crowd regions are ignored: fewer valid pixels than the image has.
        crowded = stats["samples"][[s["stem"] for s in stats["samples"]].index("val__img_1")]
        self.assertLess(crowded["valid_pixels"], 24 * 24)

    def test_lvis_negative_and_not_exhaustive(self):
        rng = np.random.default_rng(8)
        coco = make_coco(rng, lvis=True)
        root, samples = self.write_set("lvis", coco, rng)
        names = ["background", "bicycle", "airplane", "boat", "cat", "bottle"]
        stats = self.check(root, samples, names)
        # A not-exhaustive class with pixels is missing: its false positives are let off.
        self.assertTrue(any(partly and partly[0] in np.unique(labels)
                            for labels, _, _, partly in samples.values()))
        self.assertGreater(sum(s["removed_pixels"] for s in stats["samples"]), 0)
        # label_sets in dataset.json still come first where they match.
        with open(os.path.join(root, "dataset.json"), "w") as f:
            json.dump({"annotations": "annotations.json",
                       "label_sets": [{"match": "img_0", "annotated": ["cat"]}]}, f)
        stats = json.loads(run("stats", root, "--json", expect=0).stdout)
        labels, probs, _, _ = samples["img_0"]
        ref = reference(labels, probs, 255, [4], [])
        got = [s for s in stats["samples"] if s["stem"] == "img_0"][0]
        self.assertEqual(got["missing"], ref["missing"])
        self.assertAlmostEqual(got["partial_mean"], ref["partial_sum"] / ref["valid"], delta=1e-5)

    def test_bad_annotations_fail_their_image_only(self):
        rng = np.random.default_rng(9)
        coco = make_coco(rng, lvis=False)
        first, second = coco["images"][0]["id"], coco["images"][2]["id"]
        bad = [a for a in coco["annotations"] if a["image_id"] == first][0]
        bad["segmentation"] = [[1, 1, 5, 5]]  # two points
        worse = [a for a in coco["annotations"] if a["image_id"] == second][0]
        worse["segmentation"] = {"size": [37, 29], "counts": [5, 10]}
        coco["annotations"].append({"id": 9999, "image_id": 424242, "category_id": 3,
                                    "segmentation": [[0, 0, 1, 0, 1, 1]]})
        root, _ = self.write_set("bad", coco, rng)
        proc = run("stats", root, "--json", expect=1)
        stats = json.loads(proc.stdout)
        errors = {e["stem"]: e["message"] for e in stats["errors"]}
        self.assertIn(f"annotation {bad['id']}", errors["img_0"])
        self.assertIn("fewer than 3 points", errors["img_0"])
        self.assertIn(f"annotation {worse['id']}", errors["img_2"])
        self.assertIn("counts sum to 15, not h*w = 1073", errors["img_2"])
        self.assertEqual(len(stats["samples"]), len(coco["images"]) - 2)
        self.assertTrue(any("annotation 9999 refers to image 424242" in w["message"]
                            for w in stats["warnings"]), stats["warnings"])

    def test_unreadable_files_are_set_errors(self):
        rng = np.random.default_rng(10)
        coco = make_coco(rng, lvis=False)
        root, _ = self.write_set("broken", coco, rng)
        path = os.path.join(root, "annotations.json")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text[: len(text) // 2])
        proc = run("stats", root, expect=2)
        self.assertIn("annotations.json", proc.stderr)
        self.assertIn("not valid JSON", proc.stderr)
        clash = dict(coco)
        clash["images"] = coco["images"] + [dict(coco["images"][1], id=77, file_name="val/img_1.png")]
        with open(path, "w") as f:
            json.dump(clash, f)
        proc = run("stats", root, expect=2)
        self.assertIn('have the same stem "val__img_1"', proc.stderr)
        climbing = dict(coco)
        climbing["images"] = coco["images"] + [dict(coco["images"][1], id=78, file_name="../x.png")]
        with open(path, "w") as f:
            json.dump(climbing, f)
        proc = run("stats", root, "--json", expect=1)
        self.assertIn("climbs out of images/", proc.stdout)


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--cli":
        sys.exit("usage: test_coco.py --cli PATH [unittest args]")
    CLI = os.path.abspath(args[1])
    unittest.main(argv=[sys.argv[0], "-v", *args[2:]])
