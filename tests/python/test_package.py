"""python/ as an installable package: `pip install --no-build-isolation --no-index` into a fresh
virtual environment made with --system-site-packages (offline, Debian's numpy, torch and
setuptools), then the installed writer puts a batch of predictions into a set as runs that
`losslens-cli stats` opens: the float32 run gives exactly the stats of the original arrays,
the float16 run the numpy reference of the float16 values. Nothing half-written is left, an
existing file is kept when asked, a layout clash is refused.

Usage: /usr/bin/python3 test_package.py --cli PATH/losslens-cli [unittest args]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
from pngio import read_png  # noqa: E402
from test_cli import reference  # noqa: E402

CLI = None


def run(*args, cwd=None):
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=600,
                          cwd=cwd)
    if proc.returncode != 0:
        raise AssertionError(f"{args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


class Package(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="losslens-package-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_installs_offline_and_its_writer_makes_runs_the_cli_opens(self):
        # A copy of python/: pip builds in the source folder (egg-info), not in the repository.
        source = os.path.join(self.tmp, "python")
        shutil.copytree(os.path.join(HERE, "..", "..", "python"), source,
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
        venv = os.path.join(self.tmp, "venv")
        run("/usr/bin/python3", "-m", "venv", "--system-site-packages", venv)
        python = os.path.join(venv, "bin", "python")
        run(python, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--quiet",
            source)

        demo = os.path.join(self.tmp, "demo")
        run(CLI, "demo", demo, "--count", 5, "--size", 40, "--missing", 2, "--seed", 7)
        target = os.path.join(self.tmp, "set")
        os.makedirs(target)
        shutil.copytree(os.path.join(demo, "labels"), os.path.join(target, "labels"))
        shutil.copy(os.path.join(demo, "dataset.json"), target)
        stems = sorted(f[:-4] for f in os.listdir(os.path.join(demo, "predictions")))
        batch = np.stack([np.load(os.path.join(demo, "predictions", s + ".npy")) for s in stems])
        np.save(os.path.join(self.tmp, "batch.npy"), batch)  # N x H x W x C

        script = textwrap.dedent(f"""
            import json, os, sys
            import numpy as np, torch
            import losslens
            assert "{venv}" in losslens.__file__, losslens.__file__
            assert losslens.PartialCE is not None  # the losses, imported on first use
            stems = {stems!r}
            batch = np.load("{self.tmp}/batch.npy")
            nchw = torch.from_numpy(batch).permute(0, 3, 1, 2)  # a training loop's tensor
            losslens.write_predictions("{target}", "f32", stems, nchw, dtype="float32")
            losslens.write_predictions("{target}", "f16", stems, batch, layout="NHWC")
            try:
                losslens.write_predictions("{target}", "f16", stems[:1], batch[:1],
                                           layout="NHWC", overwrite=False)
                sys.exit("overwrote an existing prediction")
            except FileExistsError:
                pass
            try:
                losslens.write_predictions("{target}", None, stems, batch, layout="NHWC")
                sys.exit("wrote the one-run layout beside run folders")
            except ValueError as e:
                print("refused:", e)
        """)
        out = run(python, "-c", script, cwd=self.tmp)
        self.assertIn("holds run folders (f16, f32)", out)

        for folder in ("f32", "f16"):
            names = sorted(os.listdir(os.path.join(target, "predictions", folder)))
            self.assertEqual(names, [s + ".npy" for s in stems])  # no temporary left
        self.assertEqual(np.load(os.path.join(target, "predictions", "f16", stems[0] + ".npy")).dtype,
                         np.float16)

        original = json.loads(run(CLI, "stats", demo, "--json"))
        f32 = json.loads(run(CLI, "stats", target, "--json", "--run", "f32"))
        self.assertEqual(original["mean"], f32["mean"])
        self.assertEqual([s["standard_mean"] for s in original["samples"]],
                         [s["standard_mean"] for s in f32["samples"]])
        f16 = json.loads(run(CLI, "stats", target, "--json", "--run", "f16"))
        self.assertEqual(f16["errors"], [])
        by_stem = {s["stem"]: s for s in f16["samples"]}
        for i, stem in enumerate(stems):
            labels, _ = read_png(os.path.join(target, "labels", stem + ".png"))
            ref = reference(labels, batch[i].astype(np.float16).astype(np.float64))
            self.assertAlmostEqual(by_stem[stem]["standard_mean"],
                                   ref["standard_sum"] / ref["valid"], delta=1e-5)
            self.assertAlmostEqual(by_stem[stem]["partial_mean"],
                                   ref["partial_sum"] / ref["valid"], delta=1e-5)
            self.assertEqual(by_stem[stem]["missing"], ref["missing"])


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--cli":
        sys.exit("usage: test_package.py --cli PATH [unittest args]")
    CLI = os.path.abspath(args[1])
    unittest.main(argv=[sys.argv[0], "-v", *args[2:]])
