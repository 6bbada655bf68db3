"""End-to-end tests of the score index (spec section 7, label cli): stats and candidates keep
each sample's scores in the set's review database and take an unchanged sample from it; a
changed prediction or dataset.json is scored again; --no-index and review --clear-index.
The reference for every output is the same command with --no-index (scoring everything);
the rows are counted with Python's own sqlite3.

Usage: /usr/bin/python3 test_index.py --cli PATH [unittest args]
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

import numpy as np

CLI = None


def run(*args, expect=None):
    proc = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300)
    if expect is not None and proc.returncode != expect:
        raise AssertionError(f"{args}: exit {proc.returncode}, expected {expect}\n"
                             f"stdout: {proc.stdout[:2000]}\nstderr: {proc.stderr}")
    return proc


def age(root, seconds=60):
    """Sets every file of the set `seconds` back: files younger than two seconds are never
    kept (a second write within the same clock tick could keep the time)."""
    then = time.time() - seconds
    for folder, _, files in os.walk(root):
        if ".losslens" in folder:
            continue
        for f in files:
            os.utime(os.path.join(folder, f), (then, then))


class Index(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.root = os.path.join(self.tmp.name, "set")
        run("demo", self.root, "--count", "12", "--size", "96", "--missing", "8", expect=0)
        age(self.root)
        self.db = os.path.join(self.root, ".losslens", "review.sqlite")

    def tearDown(self):
        self.tmp.cleanup()

    def rows(self):
        with sqlite3.connect(self.db) as db:
            return db.execute("SELECT count(*) FROM scores").fetchone()[0]

    def stats(self, *extra):
        return json.loads(run("stats", self.root, "--json", *extra, expect=0).stdout)

    def test_stats_keeps_and_reuses_scores(self):
        reference = self.stats("--no-index")
        self.assertFalse(os.path.exists(self.db), "--no-index creates nothing")
        self.assertEqual(self.stats(), reference)
        self.assertEqual(self.rows(), 12)
        self.assertEqual(self.stats(), reference)
        self.assertEqual(self.rows(), 12)

        # The index is really read: a prediction scribbled over in place, its size and time
        # put back, still gives the kept scores (the spec keys on size and time alone), while
        # --no-index reads the scribbled file.
        path = os.path.join(self.root, "predictions", "demo_005.npy")
        st = os.stat(path)
        with open(path, "r+b") as f:
            f.write(b"\0" * 64)
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        self.assertEqual(self.stats(), reference)
        self.assertEqual(run("stats", self.root, "--json", "--no-index").returncode, 1)

        # A changed prediction (a real change: new time) is scored again.
        probs = np.load(os.path.join(self.root, "predictions", "demo_006.npy"))
        np.save(path, probs[::-1].copy())
        age(self.root, 30)
        changed = self.stats()
        self.assertEqual(changed, self.stats("--no-index"))
        self.assertNotEqual(changed, reference)

        # Another dataset.json (one more space) is another context: every sample scored and kept.
        with open(os.path.join(self.root, "dataset.json"), "a") as f:
            f.write(" ")
        age(self.root, 20)
        self.assertEqual(self.stats(), self.stats("--no-index"))
        self.assertEqual(self.rows(), 24)

        proc = run("review", self.root, "--clear-index", expect=0)
        self.assertIn("forgot 24 kept scores", proc.stderr)
        self.assertIn(self.db, proc.stderr)
        self.assertEqual(self.rows(), 0)

    def test_candidates_from_the_index_carry_decisions(self):
        def listing(*extra):
            return json.loads(run("candidates", self.root, "--format", "json", *extra,
                                  expect=0).stdout)
        reference = listing("--no-index")
        self.assertGreaterEqual(len(reference["candidates"]), 3)
        self.assertEqual(listing(), reference)
        self.assertEqual(self.rows(), 24)  # each sample's summary and its candidates
        first = reference["candidates"][0]
        run("review", self.root, "--mark", f"{first['stem']}:{first['id']}=confirmed", expect=0)
        # The mark scored its stem without the index; the listing takes all from it.
        got = listing()
        self.assertEqual(got, listing("--no-index"))
        self.assertEqual(got["candidates"][0]["status"], "confirmed")
        self.assertEqual([c["status"] for c in got["candidates"][1:]],
                         ["undecided"] * (len(got["candidates"]) - 1))
        # Other options: other rows, same answers as scoring.
        self.assertEqual(listing("--min-area", "40"), listing("--min-area", "40", "--no-index"))
        self.assertEqual(self.rows(), 36)
        run("review", self.root, "--clear-index", expect=0)
        self.assertEqual(self.rows(), 0)
        confirmed = listing("--status", "confirmed")["candidates"]
        self.assertEqual([(c["stem"], c["id"]) for c in confirmed], [(first["stem"], first["id"])])

    def test_fresh_files_are_not_kept_and_a_damaged_database_is_left_alone(self):
        run("demo", os.path.join(self.tmp.name, "new"), "--count", "3", "--size", "64", expect=0)
        fresh = os.path.join(self.tmp.name, "new")
        run("stats", fresh, "--json", expect=0)
        self.assertFalse(os.path.exists(os.path.join(fresh, ".losslens")),
                         "files written within two seconds are scored, not kept")

        os.makedirs(os.path.dirname(self.db))
        garbage = bytes((i * 37 + 11) % 256 for i in range(8192))
        with open(self.db, "wb") as f:
            f.write(garbage)
        proc = run("stats", self.root, "--json", expect=0)
        self.assertIn(self.db, proc.stderr)
        self.assertEqual(json.loads(proc.stdout), self.stats("--no-index"))
        with open(self.db, "rb") as f:
            self.assertEqual(f.read(), garbage)


if __name__ == "__main__":
    args = sys.argv[1:]
    CLI = os.path.abspath(args[args.index("--cli") + 1])
    del args[args.index("--cli"):args.index("--cli") + 2]
    unittest.main(argv=[sys.argv[0], *args])
