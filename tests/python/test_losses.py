"""python/losslens/losses.py against the real losslens-cli: each PyTorch loss's per-sample mean
equals `stats --json` within 1e-5 (under the article's rule and under declared label sets), a
batch reduces to the set's pixel-weighted mean, argmax ties go to the lowest index, and the
gradients stay finite at clamped pixels.

Usage: /usr/bin/python3 test_losses.py --cli PATH/losslens-cli [unittest args]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
from losslens.losses import (MarginalCE, PartialCE, StandardCE, annotated_for,  # noqa: E402
                             label_set_for, missing_classes)
from pngio import read_png  # noqa: E402

CLI = None
LOSSES = {"standard": StandardCE(), "partial": PartialCE(), "marginal": MarginalCE()}


def cli(*args):
    proc = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise AssertionError(f"{args}: exit {proc.returncode}\n{proc.stderr}")
    return proc.stdout


def load(root, stem):
    labels, _ = read_png(os.path.join(root, "labels", stem + ".png"))
    probs = np.load(os.path.join(root, "predictions", stem + ".npy"))
    return (torch.from_numpy(probs.astype(np.float32)).permute(2, 0, 1).unsqueeze(0),
            torch.from_numpy(labels.astype(np.int64)).unsqueeze(0))


class Parity(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="losslens-py-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def check_set(self, root):
        stats = json.loads(cli("stats", root, "--json"))
        meta = os.path.join(root, "dataset.json")
        batch_p, batch_y, batch_a = [], [], []
        for sample in stats["samples"]:
            stem = sample["stem"]
            probs, labels = load(root, stem)
            annotated = [label_set_for(stem, meta)]
            self.assertEqual(sample["missing_source"],
                             "absent" if annotated[0] is None else "declared", stem)
            missing = missing_classes(labels, probs.shape[1], annotated=annotated)[0]
            self.assertEqual(torch.nonzero(missing).flatten().tolist(), sample["missing"], stem)
            for name, loss in LOSSES.items():
                got = float(loss(probs, labels, annotated))
                self.assertAlmostEqual(got, sample[name + "_mean"], delta=1e-5, msg=(stem, name))
            batch_p.append(probs)
            batch_y.append(labels)
            batch_a += annotated
        probs = torch.cat(batch_p)
        labels = torch.cat(batch_y)
        for name, loss in LOSSES.items():
            self.assertAlmostEqual(float(loss(probs, labels, batch_a)), stats["mean"][name],
                                   delta=1e-5, msg=name)
        return stats

    def test_article_rule(self):
        root = os.path.join(self.tmp, "demo")
        cli("demo", root, "--count", 6, "--size", 64, "--missing", 4, "--seed", 3)
        stats = self.check_set(root)
        self.assertTrue(any(s["partial_mean"] < s["standard_mean"] for s in stats["samples"]))

    def test_declared_label_sets(self):
        root = os.path.join(self.tmp, "declared")
        cli("demo", root, "--count", 8, "--size", 64, "--missing", 3, "--label-sets")
        stats = self.check_set(root)
        self.assertTrue(any(s["missing_source"] == "declared" for s in stats["samples"]))

    def test_not_exhaustive_classes(self):
        # The demo's declarations, each entry also listing a class it has pixels of as not
        # exhaustive (LVIS's case): M grows by classes with pixels.
        root = os.path.join(self.tmp, "not_exhaustive")
        cli("demo", root, "--count", 8, "--size", 64, "--missing", 3, "--label-sets")
        meta_path = os.path.join(root, "dataset.json")
        with open(meta_path) as f:
            meta = json.load(f)
        for i, entry in enumerate(meta["label_sets"]):
            entry["not_exhaustive"] = [1 + i % 3, meta["classes"][1 + (i + 1) % 3]["name"]]
        with open(meta_path, "w") as f:
            json.dump(meta, f)
        stats = self.check_set(root)
        self.assertTrue(any(s["missing_source"] == "declared" for s in stats["samples"]))
        declared = [s for s in stats["samples"] if s["missing_source"] == "declared"]
        self.assertTrue(all(len(s["missing"]) >= 2 for s in declared))
        self.assertEqual(annotated_for(declared[0]["stem"], meta),
                         label_set_for(declared[0]["stem"], meta)["annotated"])

    def test_hand_worked_pixel_and_ties(self):
        # Spec section 1's example: p = (0.1, 0.2, 0.6, 0.1), y = 0, class 2 has no pixel.
        probs = torch.tensor([0.1, 0.2, 0.6, 0.1]).view(1, 4, 1, 1)
        labels = torch.zeros(1, 1, 1, dtype=torch.long)
        self.assertAlmostEqual(float(StandardCE()(probs, labels)), 2.302585, places=5)
        self.assertEqual(float(PartialCE()(probs, labels)), 0.0)
        self.assertAlmostEqual(float(PartialCE()(probs, labels, [[2]])), 2.302585, places=5)
        # Class 1 labelled elsewhere but declared not exhaustive: predicted at a background
        # pixel, it is let off; its own pixel keeps -log p_1.
        probs = torch.tensor([[0.2, 0.7, 0.1], [0.1, 0.8, 0.1]]).T.reshape(1, 3, 1, 2)
        labels = torch.tensor([[[0, 1]]])
        declaration = [{"annotated": [1, 2], "not_exhaustive": [1]}]
        self.assertAlmostEqual(float(PartialCE()(probs, labels, declaration)),
                               -np.log(0.8) / 2, places=5)
        self.assertAlmostEqual(float(MarginalCE()(probs, labels, declaration)),
                               (-np.log(0.9) - np.log(0.8)) / 2, places=5)
        self.assertAlmostEqual(float(PartialCE()(probs, labels, [[1, 2]])),
                               (-np.log(0.2) - np.log(0.8)) / 2, places=5)
        # A tie between a present class (1) and a missing one (2): the lowest index wins.
        probs = torch.tensor([[0.2, 0.4, 0.4, 0.0], [0.1, 0.8, 0.05, 0.05]]).T.reshape(1, 4, 1, 2)
        labels = torch.tensor([[[0, 1]]])
        w0 = PartialCE().weights(probs, labels)
        self.assertEqual(w0.flatten().tolist(), [1.0, 1.0])

    def test_gradients_finite_at_clamped_pixels(self):
        logits = torch.randn(2, 4, 5, 6)
        probs = torch.softmax(logits, dim=1)
        probs[0, :, 0, 0] = torch.tensor([0.0, 1.0, 0.0, 0.0])  # y = 0 below: q_0 clamped
        probs[1, :, 1, 1] = torch.tensor([1.0, 0.0, 0.0, 0.0])
        probs = probs.detach().requires_grad_(True)
        labels = torch.randint(0, 3, (2, 5, 6))
        labels[0, 0, 0] = 0
        labels[1, 1, 1] = 0
        labels[1, 0, :] = 255
        for name, loss in LOSSES.items():
            probs.grad = None
            value = loss(probs, labels)
            value.backward()
            self.assertTrue(torch.isfinite(value), name)
            self.assertTrue(torch.isfinite(probs.grad).all(), name)
            self.assertEqual(float(probs.grad[:, :, 0, :][1].abs().sum()), 0.0, name)  # ignored row


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--cli":
        sys.exit("usage: test_losses.py --cli PATH [unittest args]")
    CLI = os.path.abspath(args[1])
    torch.manual_seed(0)
    unittest.main(argv=[sys.argv[0], "-v", *args[2:]])
