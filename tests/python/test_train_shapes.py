"""examples/train_shapes.py --quick --epochs 1: the smoke test CI runs (well under a minute).
It writes a LossLens data set with the runs standard and partial that losslens-cli reads, a
training.json with the documented keys, and is deterministic for a seed.

Usage: /usr/bin/python3 test_train_shapes.py --cli PATH/losslens-cli [unittest args]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "examples", "train_shapes.py")
CLI = None
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples"))


class TrainShapes(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="losslens-train-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def train(self, out, *extra):
        proc = subprocess.run([sys.executable, SCRIPT, out, "--quick", "--epochs", "1", "--cli",
                               CLI, *extra], capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(out, "training.json")) as f:
            return json.load(f), proc.stdout

    def test_quick_run_writes_a_two_run_set(self):
        out = os.path.join(self.tmp, "out")
        summary, stdout = self.train(out)
        self.assertIn("epoch   1/1", stdout)  # progress per epoch
        self.assertEqual(sorted(summary["runs"]), ["partial", "standard"])
        for run in summary["runs"].values():
            for key in ("miou", "missing_class_iou", "final_train_loss"):
                self.assertIn(key, run)
            self.assertTrue(0.0 <= run["miou"] <= 1.0)
        for key in ("epochs", "seed", "seconds"):
            self.assertIn(key, summary)
        self.assertEqual(summary["epochs"], 1)
        self.assertEqual(sorted(os.listdir(os.path.join(out, "predictions"))),
                         ["partial", "standard"])
        stats = json.loads(subprocess.run([CLI, "stats", out, "--json"], capture_output=True,
                                          text=True, check=True).stdout)
        self.assertEqual(sorted(stats["runs"]), ["partial", "standard"])
        self.assertEqual(len(stats["runs"]["standard"]["samples"]), summary["heldout_images"])
        # The held-out labels are complete: nothing is missing, so partial equals standard.
        for run in stats["runs"].values():
            self.assertTrue(all(s["missing"] == [] for s in run["samples"]))
            self.assertAlmostEqual(run["mean"]["partial"], run["mean"]["standard"], places=9)

        again, _ = self.train(os.path.join(self.tmp, "again"))
        summary.pop("seconds")
        again.pop("seconds")
        self.assertEqual(summary, again)

    def test_refuses_a_non_empty_folder(self):
        out = os.path.join(self.tmp, "busy")
        os.makedirs(out)
        open(os.path.join(out, "keep.txt"), "w").close()
        proc = subprocess.run([sys.executable, SCRIPT, out, "--quick", "--cli", CLI],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 2)
        self.assertIn("not empty", proc.stderr)
        self.assertTrue(os.path.exists(os.path.join(out, "keep.txt")))


class FindMissing(unittest.TestCase):
    """examples/find_missing.py: its metric on a hand-worked ranking, and a tiny run."""

    def test_metrics_of_a_hand_worked_ranking(self):
        import numpy as np
        from find_missing import evaluate

        def rle(mask):
            # Column-major runs, uncompressed counts written as COCO's string by hand: each
            # count here is < 16 and the list short, so one character per count (count + 48)
            # while i <= 2; later ones are differences to the count two before.
            flat = mask.T.reshape(-1)
            counts, value, n = [], False, 0
            for v in flat:
                if bool(v) != value:
                    counts.append(n)
                    n, value = 0, bool(v)
                n += 1
            counts.append(n)
            text = ""
            for i, c in enumerate(counts):
                x = c - counts[i - 2] if i > 2 else c
                assert -16 <= x < 16
                text += chr((x & 0x1F) + 48)
            return text

        shape = (4, 4)
        a = np.zeros(shape, bool)
        a[0:2, 0:2] = True
        b = np.zeros(shape, bool)
        b[2:4, 2:4] = True
        objects = [{"stem": "s", "class": 1, "mask": a}, {"stem": "s", "class": 2, "mask": b}]
        miss = np.zeros(shape, bool)
        miss[0, 3] = True
        coco = {"images": [{"id": 1, "file_name": "s.png"}],
                "annotations": [
                    {"image_id": 1, "category_id": 1, "segmentation": {"counts": rle(miss)}},
                    {"image_id": 1, "category_id": 1, "segmentation": {"counts": rle(a)}},
                    {"image_id": 1, "category_id": 2, "segmentation": {"counts": rle(b)}}]}
        r = evaluate(coco, objects, shape)
        # Hits at ranks 2 and 3: AP = (1/2 + 2/3) / 2; at k = 2 one hit.
        self.assertAlmostEqual(r["ap"], (0.5 + 2 / 3) / 2)
        self.assertAlmostEqual(r["recall_at_k"], 0.5)
        self.assertAlmostEqual(r["precision_at_k"], 0.5)
        # A candidate of the right place but the wrong class never matches.
        coco["annotations"][2]["category_id"] = 1
        self.assertAlmostEqual(evaluate(coco, objects, shape)["ap"], 0.25)

    def test_tiny_run_reports_every_model_and_step(self):
        tmp = tempfile.mkdtemp(prefix="losslens-find-")
        try:
            out = os.path.join(tmp, "out")
            script = os.path.join(HERE, "..", "..", "examples", "find_missing.py")
            proc = subprocess.run([sys.executable, script, out, "--count", "12", "--size", "32",
                                   "--steps", "2,4", "--batch", "6", "--cli", CLI],
                                  capture_output=True, text=True, timeout=300)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            with open(os.path.join(out, "find_missing.json")) as f:
                summary = json.load(f)
            self.assertEqual(len(summary["runs"]), 6)
            self.assertGreater(summary["dropped_objects"], 0)
            for r in summary["runs"].values():
                for key in ("ap", "recall_at_k", "precision_at_k"):
                    self.assertTrue(0.0 <= r[key] <= 1.0, r)
            self.assertIn("recall@k", proc.stdout)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--cli":
        sys.exit("usage: test_train_shapes.py --cli PATH [unittest args]")
    CLI = os.path.abspath(args[1])
    unittest.main(argv=[sys.argv[0], "-v", *args[2:]])
