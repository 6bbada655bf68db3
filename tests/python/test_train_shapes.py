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


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--cli":
        sys.exit("usage: test_train_shapes.py --cli PATH [unittest args]")
    CLI = os.path.abspath(args[1])
    unittest.main(argv=[sys.argv[0], "-v", *args[2:]])
