"""End-to-end tests of losslens-cli under faults (label cli): writes that fail part way
(a file size limit, a full file system, the output folder removed) and input files rewritten
while they are read. Helpers and the numpy reference come from test_cli.py.

Usage: /usr/bin/python3 test_faults.py --cli PATH [unittest args, e.g. a TestCase name]
"""
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import unittest

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_cli  # noqa: E402
from test_cli import Base, load_json, reference, run, slurp  # noqa: E402
from pngio import write_png  # noqa: E402


class WriteFaults(Base):
    """A write that fails part way, injected by the OS itself: RLIMIT_FSIZE makes write()
    fail with EFBIG (SIGXFSZ ignored) once a file would pass the limit, like a full disk."""

    def run_limited(self, limit, *args):
        import resource

        def limit_file_size():
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        return subprocess.run([test_cli.CLI, *map(str, args)], capture_output=True, text=True,
                              timeout=300, preexec_fn=limit_file_size)

    def test_failed_writes_name_the_file_leave_nothing_partial_and_exit_1(self):
        data, out = self.path("d"), self.path("o")
        run("demo", data, "--count", 3, "--size", 64, expect=0)
        # A 64 x 64 float32 map is 16 KiB + header: .npy writes fail, small PNGs succeed.
        proc = self.run_limited(12000, "export", data, "--out", out, "--format", "all")
        self.assertEqual(proc.returncode, 1, proc.stderr)
        for stem in ["demo_000", "demo_001", "demo_002"]:
            self.assertRegex(proc.stderr, rf"error: {stem}: .*{stem}\.\w+\.npy: write failed: File too large")
        self.check_no_partial_files(out)
        summary = load_json(os.path.join(out, "summary.json"))
        self.assertEqual(len(summary["errors"]), 3)
        for error in summary["errors"]:
            self.assertTrue(error["file"].endswith(".npy") and error["file"].startswith(out), error)
            self.assertIn("File too large", error["message"])
        # Without the limit the same export completes and replaces nothing it should not.
        run("export", data, "--out", out, "--overwrite", expect=0)

    def check_no_partial_files(self, folder):
        names = os.listdir(folder)
        self.assertEqual([n for n in names if n.startswith(".")], [], "temporary files left behind")
        for name in names:
            path = os.path.join(folder, name)
            if name.endswith(".npy"):
                np.load(path)  # whatever got its final name is complete
            elif name.endswith(".png"):
                data_bytes = slurp(path)
                self.assertTrue(data_bytes.startswith(b"\x89PNG") and data_bytes.endswith(b"IEND\xaeB`\x82"), name)
            elif name.endswith(".json"):
                load_json(path)

    def test_full_file_system(self):
        """The output folder is a 40 KiB tmpfs (a private mount namespace, no root needed):
        the disk fills up part way; every sample and summary that did not fit is named."""
        data, out, copy = self.path("d"), self.path("o"), self.path("copy")
        run("demo", data, "--count", 3, "--size", 64, expect=0)
        os.makedirs(out)
        script = ('mount -t tmpfs -o size=40k none "$1" || exit 99; "$2" export "$3" --out "$1" '
                  '--format all; rc=$?; cp -a "$1/." "$4/" && exit $rc')
        os.makedirs(copy)
        proc = subprocess.run(["unshare", "-r", "-m", "sh", "-c", script, "sh", out, test_cli.CLI,
                               data, copy], capture_output=True, text=True, timeout=300)
        if proc.returncode == 99 or "unshare:" in proc.stderr:
            self.skipTest("no private mount namespace here: " + proc.stderr.strip())
        self.assertEqual(proc.returncode, 1, proc.stderr)
        self.assertIn("No space left on device", proc.stderr)
        failed = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
        written = set(os.listdir(copy))
        # A sample without an error has every file an export with room writes; one with an
        # error is named with the file that failed, which is not there.
        full = self.path("full")
        run("export", data, "--out", full, "--format", "all", expect=0)
        for stem in ["demo_000", "demo_001", "demo_002"]:
            errors = [line for line in failed if line.startswith(f"error: {stem}: ")]
            if not errors:
                self.assertTrue({n for n in os.listdir(full) if n.startswith(stem)} <= written, stem)
            for line in errors:
                self.assertIn("No space left on device", line)
                self.assertNotIn(os.path.basename(line.split(": ")[2]), written, line)
        if "summary.json" not in written:
            self.assertTrue(any("summary.json: write failed: No space left on device" in line
                                for line in failed), proc.stderr)
        self.assertRegex(proc.stderr, r"exported \d of 3 sample")
        self.check_no_partial_files(copy)

    def test_output_folder_removed_during_the_export(self):
        data, out = self.path("d"), self.path("o")
        run("demo", data, "--count", 40, "--size", 256, expect=0)
        proc = subprocess.Popen([test_cli.CLI, "export", data, "--out", out, "--jobs", "1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            if os.path.isdir(out) and any(n.endswith(".png") for n in os.listdir(out)):
                # Away in one step (rmtree would race with the files still being written),
                # then deleted.
                os.rename(out, out + ".removed")
                shutil.rmtree(out + ".removed", ignore_errors=True)
                break
            time.sleep(0.002)
        stdout, stderr = proc.communicate(timeout=300)
        self.assertFalse(os.path.exists(out), "the export finished before the folder went")
        self.assertEqual(proc.returncode, 1, stderr)
        failed = [line for line in stderr.splitlines() if line.startswith("error: ")]
        self.assertGreater(len(failed), 1, stderr)
        for line in failed:
            self.assertIn(out, line)
            self.assertIn("No such file or directory", line)
        self.assertTrue(any("summary.json" in line for line in failed), stderr)
        self.assertRegex(stderr, r"exported \d+ of 40 sample")


class Races(Base):
    """Prediction files rewritten (not atomically, as a training job might) and removed while
    stats --jobs 2 reads them: each sample is either scored from one whole version of its
    file or reported as an error naming the file; never a crash or half a file's numbers."""

    def test_files_rewritten_and_removed_under_a_running_stats(self):
        rng = np.random.default_rng(21)
        root = self.path("race")
        for sub in ["labels", "predictions"]:
            os.makedirs(os.path.join(root, sub))
        stems = [f"s{i:02d}" for i in range(16)]
        versions = {}
        for stem in stems:
            labels = rng.integers(0, 3, size=(48, 48)).astype(np.uint8)
            write_png(os.path.join(root, "labels", stem + ".png"), labels)
            pair = []
            for _ in range(2):
                probs = rng.dirichlet(np.ones(3), size=(48, 48)).astype(np.float32)
                buf = io.BytesIO()
                np.save(buf, probs)
                ref = reference(labels, probs)
                pair.append((buf.getvalue(), ref["standard_sum"] / ref["valid"]))
            versions[stem] = pair
            with open(os.path.join(root, "predictions", stem + ".npy"), "wb") as f:
                f.write(pair[0][0])
        stop = threading.Event()

        def rewrite():
            k = 0
            while not stop.is_set():
                for stem in stems:
                    path = os.path.join(root, "predictions", stem + ".npy")
                    content = versions[stem][k % 2][0]
                    if stem == "s07" and k % 3 == 0:
                        try:
                            os.unlink(path)
                        except FileNotFoundError:
                            pass
                        time.sleep(0.001)
                    with open(path, "wb") as f:  # truncate, half, pause, the rest
                        f.write(content[: len(content) // 2])
                        f.flush()
                        time.sleep(0.0005)
                        f.write(content[len(content) // 2:])
                k += 1

        writer = threading.Thread(target=rewrite)
        writer.start()
        outcomes = {"ok": 0, "error": 0}
        try:
            for _ in range(6):
                proc = run("stats", root, "--json", "--jobs", 2)
                self.assertIn(proc.returncode, (0, 1), proc.stderr)
                stats = json.loads(proc.stdout)
                for s in stats["samples"]:
                    means = [m for _, m in versions[s["stem"]]]
                    self.assertTrue(any(abs(s["standard_mean"] - m) < 1e-5 for m in means),
                                    (s["stem"], s["standard_mean"], means))
                    outcomes["ok"] += 1
                for e in stats["errors"]:
                    # The prediction that was being rewritten, or (removed while the folder
                    # was listed) the label whose prediction is missing, naming it.
                    self.assertTrue(e["file"].endswith(e["stem"] + ".npy")
                                    or f"predictions/{e['stem']}.npy is missing" in e["message"], e)
                    self.assertTrue(e["message"], e)
                    outcomes["error"] += 1
        finally:
            stop.set()
            writer.join()
        self.assertGreater(outcomes["ok"], 0)
        print("races: scored", outcomes["ok"], "reported", outcomes["error"], file=sys.stderr)


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) < 2 or args[0] != "--cli":
        sys.exit("usage: test_faults.py --cli PATH [unittest args]")
    test_cli.CLI = os.path.abspath(args[1])
    unittest.main(argv=[sys.argv[0], "-v", *args[2:]])
