"""A set at LVIS's scale of classes: 1,203 classes, float16 predictions, 16-bit labels. It opens
under the default --max-classes (4096) and not under 1024, `stats --json` matches the numpy
reference, and the text table stays readable: the per-class section lists the classes that
have pixels (with a note of how many it leaves out), names whole, lines within the terminal.

Usage: /usr/bin/python3 test_classes.py --cli PATH [unittest args]
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
from pngio import write_png  # noqa: E402
from test_cli import reference  # noqa: E402

CLI = None
C = 1203


def run(*args, expect=None, env=None):
    proc = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300,
                          env=env)
    if expect is not None and proc.returncode != expect:
        raise AssertionError(f"{args}: exit {proc.returncode}, expected {expect}\n"
                             f"stdout: {proc.stdout[:2000]}\nstderr: {proc.stderr}")
    return proc


def make_set(root, rng, count=3, h=48, w=64):
    for d in ("labels", "predictions"):
        os.makedirs(os.path.join(root, d))
    names = ["background"] + [f"lvis_category_number_{i:04d}" for i in range(1, C)]
    with open(os.path.join(root, "dataset.json"), "w") as f:
        json.dump({"classes": names}, f)
    samples = {}
    for s in range(count):
        labels = np.zeros((h, w), np.uint16)
        for c in rng.choice(np.arange(300, C), 4, replace=False):  # ids above 255
            y, x = rng.integers(0, h - 12), rng.integers(0, w - 16)
            labels[y:y + 12, x:x + 16] = c
        labels[:2, :3] = 255  # ignore_index (the default 255; class 255 is then never a label)
        logits = rng.normal(0, 1, (h, w, C)).astype(np.float32)
        np.put_along_axis(logits, labels[..., None].astype(np.int64), 6.0, axis=2)
        hidden = rng.integers(1, C)
        logits[h // 2:h // 2 + 8, w // 2:w // 2 + 8, hidden] += 12.0  # an object never labelled
        p = np.exp(logits - logits.max(axis=2, keepdims=True))
        p = (p / p.sum(axis=2, keepdims=True)).astype(np.float16)
        stem = f"s{s}"
        np.save(os.path.join(root, "predictions", stem + ".npy"), p)
        write_png(os.path.join(root, "labels", stem + ".png"), labels, bit_depth=16)
        samples[stem] = (labels, p)
    return names, samples


class ManyClasses(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="losslens-classes-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_a_1203_class_float16_set(self):
        root = os.path.join(self.tmp, "set")
        names, samples = make_set(root, np.random.default_rng(4))
        refused = run("stats", root, "--json", "--max-classes", 1024, expect=2)
        self.assertIn("lists 1203 classes, more than the limit of 1024", refused.stderr)

        stats = json.loads(run("stats", root, "--json", expect=0).stdout)
        self.assertEqual(stats["errors"], [])
        # No ignore_index in dataset.json: the default 255 is a class here, and it says so.
        self.assertEqual(len(stats["warnings"]), 1)
        self.assertIn('lists 1203 classes but sets no ignore_index: the default 255 is class '
                      f'"{names[255]}"', stats["warnings"][0]["message"])
        self.assertEqual(len(stats["classes"]), C)
        by_stem = {s["stem"]: s for s in stats["samples"]}
        for stem, (labels, p) in samples.items():
            ref = reference(labels.astype(np.int64), p.astype(np.float64), ignore=255)
            got = by_stem[stem]
            self.assertEqual(got["missing"], ref["missing"], stem)
            self.assertEqual(got["removed_pixels"], ref["removed"], stem)
            self.assertAlmostEqual(got["standard_mean"], ref["standard_sum"] / ref["valid"],
                                   delta=1e-5)
            self.assertAlmostEqual(got["partial_mean"], ref["partial_sum"] / ref["valid"],
                                   delta=1e-5)

        env = dict(os.environ, COLUMNS="100")
        table = run("stats", root, expect=0, env=env).stdout
        section = table[table.index("Per class"):].splitlines()
        for line in section:
            self.assertLessEqual(len(line), 100, line)
        occurring = {int(c) for labels, _ in samples.values() for c in np.unique(labels)
                     if c != 255}
        listed = {n for n in names if any(line.startswith(n + " ") for line in section)}
        self.assertEqual(listed, {names[c] for c in occurring})  # whole names, nothing else
        self.assertIn(f"({C - len(occurring)} of the {C} classes have no pixel in the set and "
                      "are not listed", table)


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--cli":
        sys.exit("usage: test_classes.py --cli PATH [unittest args]")
    CLI = os.path.abspath(args[1])
    unittest.main(argv=[sys.argv[0], "-v", *args[2:]])
