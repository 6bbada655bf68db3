"""End-to-end tests of losslens-cli review and candidates --status (spec section 7, label
cli): decisions kept in the set's SQLite database, read back here with Python's own sqlite3
module; decisions following new predictions; damaged databases left untouched; two
processes marking at once; a read-only set folder.

Usage: /usr/bin/python3 test_review.py --cli PATH [unittest args]
"""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest

import numpy as np

CLI = None


def run(*args, expect=None, **kwargs):
    proc = subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, timeout=300,
                          **kwargs)
    if expect is not None and proc.returncode != expect:
        raise AssertionError(f"{args}: exit {proc.returncode}, expected {expect}\n"
                             f"stdout: {proc.stdout[:2000]}\nstderr: {proc.stderr}")
    return proc


def candidates(root, *extra):
    # Every listing here scores the set: the score index, tested in test_index.py, would
    # otherwise create the database before the first decision once the files are older
    # than two seconds.
    return json.loads(run("candidates", root, "--format", "json", "--no-index", *extra,
                          expect=0).stdout)


def box_iou(a, b):
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    iw = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    ih = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = iw * ih
    return inter / (aw * ah + bw * bh - inter)


class Review(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        os.chmod(self.tmp.name, 0o755)
        self.root = os.path.join(self.tmp.name, "set")
        run("demo", self.root, "--count", "8", "--size", "160", "--missing", "2", "--seed", "5",
            expect=0)
        self.db = os.path.join(self.root, ".losslens", "review.sqlite")

    def tearDown(self):
        os.chmod(self.root, 0o755)
        self.tmp.cleanup()

    def test_marks_listed_filtered_and_kept_in_sqlite(self):
        listed = candidates(self.root)["candidates"]
        self.assertGreaterEqual(len(listed), 4)
        self.assertTrue(all(c["status"] == "undecided" for c in listed))
        self.assertFalse(os.path.exists(self.db), "created before the first decision")
        a, b, c = listed[0], listed[1], listed[3]
        proc = run("review", self.root, "--mark", f"{a['stem']}:{a['id']}=confirmed",
                   f"{b['stem']}:{b['id']}=rejected", "--note", "seen by eye", expect=0)
        self.assertIn(self.db, proc.stderr)
        run("review", self.root, "--mark", f"{c['stem']}:{c['id']}=unsure", expect=0)

        # The file, read by Python's sqlite3: three rows with our values, WAL journal.
        with sqlite3.connect(self.db) as db:
            rows = db.execute("SELECT stem, class, status, note, area, x, y, w, h FROM decisions "
                              "ORDER BY id").fetchall()
            self.assertEqual(db.execute("PRAGMA journal_mode").fetchone()[0], "wal")
            self.assertEqual(db.execute("SELECT version FROM schema_version").fetchone()[0], 2)
        self.assertEqual(rows, [
            (a["stem"], a["class"], "confirmed", "seen by eye", a["area"], *a["bbox"]),
            (b["stem"], b["class"], "rejected", "seen by eye", b["area"], *b["bbox"]),
            (c["stem"], c["class"], "unsure", "", c["area"], *c["bbox"]),
        ])

        got = json.loads(run("review", self.root, "--list", "--json", expect=0).stdout)
        self.assertEqual(got["database"], self.db)
        self.assertEqual(sorted((d["stem"], d["class"], d["status"], d["bbox"]) for d in got["decisions"]),
                         sorted([(a["stem"], a["class"], "confirmed", a["bbox"]),
                                 (b["stem"], b["class"], "rejected", b["bbox"]),
                                 (c["stem"], c["class"], "unsure", c["bbox"])]))
        names = candidates(self.root)["classes"]
        self.assertEqual({d["class_name"] for d in got["decisions"]},
                         {names[a["class"]], names[b["class"]], names[c["class"]]})

        key = lambda x: (x["stem"], x["id"])  # noqa: E731
        for status, want in (("confirmed", [a]), ("rejected", [b]), ("unsure", [c])):
            out = candidates(self.root, "--status", status)
            self.assertEqual([key(x) for x in out["candidates"]], [key(x) for x in want], status)
            self.assertEqual(out["candidates"][0]["status"], status)
        undecided = candidates(self.root, "--status", "undecided")["candidates"]
        self.assertEqual([key(x) for x in undecided],
                         [key(x) for x in listed if key(x) not in {key(a), key(b), key(c)}])
        # --top applies after the status: the best undecided one, not the best overall.
        self.assertEqual([key(x) for x in candidates(self.root, "--status", "undecided", "--top", "1")["candidates"]],
                         [key(undecided[0])])
        # The CSV carries the status too.
        csv_text = run("candidates", self.root, "--format", "csv", expect=0).stdout
        self.assertTrue(csv_text.splitlines()[0].endswith(",status,note"))
        self.assertIn(",confirmed,seen by eye", csv_text)

        # Exports of the reviewed result: COCO and proposed labels of the confirmed ones only.
        coco = json.loads(run("candidates", self.root, "--status", "confirmed", "--format", "coco",
                              expect=0).stdout)
        self.assertEqual([(x["losslens"]["stem"], x["losslens"]["id"]) for x in coco["annotations"]],
                         [key(a)])
        self.assertEqual(coco["annotations"][0]["losslens"]["status"], "confirmed")
        labels_dir = os.path.join(self.tmp.name, "proposed")
        run("candidates", self.root, "--status", "confirmed", "--write-labels", labels_dir, expect=0)
        self.assertEqual(os.listdir(labels_dir), [a["stem"] + ".png"])

        # Undecided forgets; marking again replaces, it does not add.
        run("review", self.root, "--mark", f"{c['stem']}:{c['id']}=undecided", expect=0)
        run("review", self.root, "--mark", f"{a['stem']}:{a['id']}=rejected", expect=0)
        with sqlite3.connect(self.db) as db:
            self.assertEqual(sorted(db.execute("SELECT stem, status FROM decisions").fetchall()),
                             sorted([(a["stem"], "rejected"), (b["stem"], "rejected")]))
        # Unknown ids, stems and statuses.
        run("review", self.root, "--mark", f"{a['stem']}:999=confirmed", expect=1)
        run("review", self.root, "--mark", "nosuchstem:1=confirmed", expect=1)
        run("review", self.root, "--mark", f"{a['stem']}:1=maybe", expect=2)
        run("review", self.root, expect=2)
        run("candidates", self.root, "--status", "maybe", expect=2)

    def test_a_decision_follows_new_predictions(self):
        listed = candidates(self.root)["candidates"]
        a = listed[0]
        run("review", self.root, "--mark", f"{a['stem']}:{a['id']}=confirmed", expect=0)
        # The model moves: every prediction of that sample one pixel to the right.
        path = os.path.join(self.root, "predictions", a["stem"] + ".npy")
        probs = np.load(path)
        np.save(path, np.roll(probs, 1, axis=1))
        now = [c for c in candidates(self.root)["candidates"] if c["stem"] == a["stem"]]
        same = [c for c in now if c["class"] == a["class"]]
        best = max(same, key=lambda c: box_iou(c["bbox"], a["bbox"]))
        self.assertGreaterEqual(box_iou(best["bbox"], a["bbox"]), 0.5)
        self.assertNotEqual(best["bbox"], a["bbox"])
        for c in now:
            self.assertEqual(c["status"], "confirmed" if c is best else "undecided", c)
        # Moved far away (a quarter of the image), it is no longer the same object.
        np.save(path, np.roll(probs, 40, axis=1))
        self.assertEqual(candidates(self.root, "--status", "confirmed")["candidates"], [])

    def test_damaged_and_newer_databases_are_left_untouched(self):
        a = candidates(self.root)["candidates"][0]
        os.makedirs(os.path.dirname(self.db), exist_ok=True)
        garbage = bytes((i * 37 + 11) % 256 for i in range(8192))
        with open(self.db, "wb") as f:
            f.write(garbage)
        proc = run("candidates", self.root, "--format", "json", expect=0)
        self.assertIn(self.db, proc.stderr)
        self.assertTrue(all(c["status"] == "undecided" for c in json.loads(proc.stdout)["candidates"]))
        proc = run("review", self.root, "--mark", f"{a['stem']}:{a['id']}=confirmed", expect=2)
        self.assertIn(self.db, proc.stderr)
        run("review", self.root, "--list", expect=2)
        with open(self.db, "rb") as f:
            self.assertEqual(f.read(), garbage)
        os.remove(self.db)
        # A newer schema: made by a mark, then raised by hand.
        run("review", self.root, "--mark", f"{a['stem']}:{a['id']}=confirmed", expect=0)
        with sqlite3.connect(self.db) as db:
            db.execute("UPDATE schema_version SET version = 7")
        db.close()
        with open(self.db, "rb") as f:
            before = f.read()
        proc = run("review", self.root, "--mark", f"{a['stem']}:{a['id']}=rejected", expect=2)
        self.assertIn("newer", proc.stderr)
        self.assertIn(self.db, proc.stderr)
        with open(self.db, "rb") as f:
            self.assertEqual(f.read(), before)

    def test_review_db_option(self):
        a = candidates(self.root)["candidates"][0]
        other = os.path.join(self.tmp.name, "elsewhere", "mine.sqlite")
        run("review", self.root, "--review-db", other, "--mark", f"{a['stem']}:{a['id']}=confirmed",
            expect=0)
        self.assertTrue(os.path.exists(other))
        self.assertFalse(os.path.exists(self.db))
        self.assertEqual(len(candidates(self.root, "--review-db", other, "--status", "confirmed")["candidates"]), 1)
        self.assertEqual(candidates(self.root, "--status", "confirmed")["candidates"], [])

    def test_two_processes_marking_at_once(self):
        listed = candidates(self.root)["candidates"]
        marks = [f"{c['stem']}:{c['id']}" for c in listed]
        self.assertGreaterEqual(len(marks), 6)
        half = len(marks) // 2
        procs = []
        for part, status in ((marks[:half], "confirmed"), (marks[half:], "rejected")):
            args = [CLI, "review", self.root, "--mark", *[m + "=" + status for m in part]]
            procs.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        for p in procs:
            _, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
        with sqlite3.connect(self.db) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM decisions").fetchone()[0], len(marks))
        out = candidates(self.root)["candidates"]
        self.assertEqual(sum(c["status"] == "confirmed" for c in out), half)
        self.assertEqual(sum(c["status"] == "rejected" for c in out), len(marks) - half)

    def test_a_read_only_set_keeps_its_decisions_in_the_users_data_folder(self):
        a = candidates(self.root)["candidates"][0]
        data = os.path.join(self.tmp.name, "data")
        os.makedirs(data)
        os.chmod(data, 0o777)
        env = dict(os.environ, XDG_DATA_HOME=data)
        os.chmod(self.root, 0o555)
        # Root may write into any folder: the CLI runs as nobody then, from a copy in the
        # temporary folder (the build tree may sit in a folder nobody cannot enter).
        global CLI
        cli = CLI
        extra = {}
        if os.geteuid() == 0:
            extra = {"user": 65534, "group": 65534}
            CLI = os.path.join(self.tmp.name, "losslens-cli")
            shutil.copy(cli, CLI)
            os.chmod(CLI, 0o755)
        try:
            self.read_only_checks(a, data, env, extra)
        finally:
            CLI = cli

    def read_only_checks(self, a, data, env, extra):
        help_text = run("review", self.root, "--help", expect=0, env=env, **extra).stdout
        proc = run("review", self.root, "--mark", f"{a['stem']}:{a['id']}=confirmed", expect=0,
                   env=env, **extra)
        self.assertFalse(os.path.exists(os.path.join(self.root, ".losslens")))
        folder = os.path.join(data, "losslens", "review")
        files = [f for f in os.listdir(folder) if f.endswith(".sqlite")]
        self.assertEqual(len(files), 1)
        self.assertTrue(files[0].startswith("set-"))
        where = os.path.join(folder, files[0])
        self.assertIn(where, proc.stderr)
        self.assertIn(where, help_text)
        self.assertIn("read-only", help_text)
        out = json.loads(run("candidates", self.root, "--format", "json", "--status", "confirmed",
                             expect=0, env=env, **extra).stdout)
        self.assertEqual([(c["stem"], c["id"]) for c in out["candidates"]], [(a["stem"], a["id"])])


if __name__ == "__main__":
    args = sys.argv[1:]
    CLI = os.path.abspath(args[args.index("--cli") + 1])
    del args[args.index("--cli"):args.index("--cli") + 2]
    unittest.main(argv=[sys.argv[0], *args])
