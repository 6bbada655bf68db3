"""End-to-end tests of .npz predictions (spec section 8): np.savez and np.savez_compressed
archives, one array or one named `prediction`, stored and deflated members, zip64, float16,
Fortran order. A set of .npz files must give exactly the stats of the same arrays as .npy
(which test_cli.py checks against its numpy reference), and the numpy reference here too.

Usage: /usr/bin/python3 test_npz.py --cli PATH [unittest args]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import zipfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pngio import read_png  # noqa: E402
from test_cli import reference  # noqa: E402

CLI = None


def run(*args, expect=None):
    proc = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300)
    if expect is not None and proc.returncode != expect:
        raise AssertionError(f"{args}: exit {proc.returncode}, expected {expect}\n"
                             f"stdout: {proc.stdout}\nstderr: {proc.stderr}")
    return proc


def stats_json(root):
    proc = run("stats", root, "--json", expect=0)
    return json.loads(proc.stdout)


def write_zip64(path, array):
    """An archive whose member carries zip64 extra fields (numpy writes them only past 4 GiB;
    Python's zipfile forces them on request), deflated."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        with zf.open("prediction.npy", "w", force_zip64=True) as member:
            np.lib.format.write_array(member, array)


# How each stem's array is stored: (name, what the .npy twin holds, writer of the .npz).
WAYS = [
    ("savez", lambda a: a, lambda p, a: np.savez(p, a)),
    ("savez_compressed", lambda a: a, lambda p, a: np.savez_compressed(p, a)),
    ("named among others", lambda a: a,
     lambda p, a: np.savez(p, logits=np.zeros(3, np.float32), prediction=a, zeta=np.ones(2))),
    ("float16 compressed", lambda a: a.astype(np.float16),
     lambda p, a: np.savez_compressed(p, prediction=a)),
    ("fortran order", np.asfortranarray, lambda p, a: np.savez(p, a)),
    ("float64 big-endian", lambda a: a.astype(">f8"), lambda p, a: np.savez_compressed(p, a)),
    ("zip64", lambda a: a, write_zip64),
]


class Npz(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="losslens-npz-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def twins(self, count):
        """The demo set as .npy (arrays transformed per WAYS) and its .npz twin."""
        npy = os.path.join(self.tmp, "npy")
        run("demo", npy, "--count", count, "--size", 48, "--missing", 2, "--seed", 11, expect=0)
        npz = os.path.join(self.tmp, "npz")
        shutil.copytree(npy, npz)
        stems = sorted(f[:-4] for f in os.listdir(os.path.join(npy, "predictions")))
        arrays = {}
        for i, stem in enumerate(stems):
            _, as_npy, write_npz = WAYS[i % len(WAYS)]
            array = as_npy(np.load(os.path.join(npy, "predictions", stem + ".npy")))
            arrays[stem] = array
            np.save(os.path.join(npy, "predictions", stem + ".npy"), array)
            os.remove(os.path.join(npz, "predictions", stem + ".npy"))
            write_npz(os.path.join(npz, "predictions", stem + ".npz"), array)
        return npy, npz, arrays

    def test_npz_gives_the_stats_of_the_same_arrays_as_npy(self):
        npy, npz, arrays = self.twins(len(WAYS) * 2)
        # Every way of storing is really in the set: stored and deflated members, zip64.
        methods, zip64 = set(), 0
        for name in os.listdir(os.path.join(npz, "predictions")):
            path = os.path.join(npz, "predictions", name)
            with zipfile.ZipFile(path) as zf:
                methods.update(info.compress_type for info in zf.infolist())
            with open(path, "rb") as f:
                head = f.read(64)
            # The first local header's extra field: a zip64 one starts with id 0x0001.
            name_length = int.from_bytes(head[26:28], "little")
            zip64 += head[30 + name_length:32 + name_length] == b"\x01\x00"
        self.assertEqual(methods, {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
        self.assertGreater(zip64, 0)

        a, b = stats_json(npy), stats_json(npz)
        self.assertEqual(len(b["samples"]), len(arrays))
        self.assertEqual(b["errors"], [])
        self.assertEqual(a["mean"], b["mean"])
        for sa, sb in zip(a["samples"], b["samples"]):
            self.assertEqual(sa["stem"], sb["stem"])
            for key in sa:
                if key not in ("prediction", "file", "path"):
                    self.assertEqual(sa[key], sb[key], (sa["stem"], key))
        # And against the numpy reference, from the arrays themselves.
        by_stem = {s["stem"]: s for s in b["samples"]}
        for stem, array in arrays.items():
            labels, _ = read_png(os.path.join(npz, "labels", stem + ".png"))
            ref = reference(labels, np.asarray(array, np.float32).astype(np.float64))
            got = by_stem[stem]
            self.assertEqual(got["missing"], ref["missing"], stem)
            self.assertEqual(got["removed_pixels"], ref["removed"], stem)
            self.assertAlmostEqual(got["standard_mean"], ref["standard_sum"] / ref["valid"],
                                   delta=1e-5)
            self.assertAlmostEqual(got["partial_mean"], ref["partial_sum"] / ref["valid"],
                                   delta=1e-5)

    def test_bad_archives_are_named_and_the_rest_go_on(self):
        _, npz, _ = self.twins(6)
        folder = os.path.join(npz, "predictions")
        stems = sorted(f[:-4] for f in os.listdir(folder))
        good = np.load(os.path.join(folder, stems[0] + ".npz"))["arr_0"]
        # Two arrays, none named prediction.
        np.savez(os.path.join(folder, stems[1] + ".npz"), a=good, b=good)
        # A stored member with one data byte changed: the CRC says so.
        path = os.path.join(folder, stems[2] + ".npz")
        np.savez(path, good)
        with open(path, "rb") as f:
            data = bytearray(f.read())
        data[200] ^= 0xFF
        with open(path, "wb") as f:
            f.write(bytes(data))
        # Cut in half: no central directory.
        path = os.path.join(folder, stems[3] + ".npz")
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(data[: len(data) // 2])
        # Both a .npy and a .npz for one stem.
        np.save(os.path.join(folder, stems[4] + ".npy"), good)
        proc = run("stats", npz, "--json", expect=1)
        stats = json.loads(proc.stdout)
        errors = {e["stem"]: e for e in stats["errors"]}
        self.assertEqual(sorted(errors), stems[1:5])
        self.assertEqual(sorted(s["stem"] for s in stats["samples"]), [stems[0], stems[5]])
        self.assertIn('none named "prediction"', errors[stems[1]]["message"])
        self.assertTrue(errors[stems[2]]["file"].endswith(stems[2] + ".npz"))
        self.assertIn("damaged", errors[stems[2]]["message"])
        self.assertIn("not a readable .npz", errors[stems[3]]["message"])
        self.assertIn(f"two predictions: {stems[4]}.npy and {stems[4]}.npz",
                      errors[stems[4]]["message"])


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--cli":
        sys.exit("usage: test_npz.py --cli PATH [unittest args]")
    CLI = os.path.abspath(args[1])
    unittest.main(argv=[sys.argv[0], "-v", *args[2:]])
