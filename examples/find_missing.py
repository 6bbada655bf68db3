"""How well does `losslens-cli candidates` find annotations that were never drawn, and how
does the training loss change that? Trains the small FCN of train_shapes.py on the demo
shapes with object annotations dropped at random, once per loss (standard, partial and
marginal cross-entropy), keeps each model's predictions on the *training* images at an early
and a late step, writes them as a LossLens set (the training images with the labels as
trained on; one run per model and step), runs `candidates` on every run and scores the
ranking against the dropped objects, matched as spec section 6 says (same class, IoU >= 0.5,
each object at most once):

  AP           average precision over the whole ranking
  recall@k     share of the dropped objects found in the first k candidates, k = their number
  precision@k  share of those k candidates that are dropped objects

Usage:
  /usr/bin/python3 examples/find_missing.py OUTDIR [--count N] [--size S] [--steps A,B]
                   [--batch B] [--missing-share F] [--seed S] [--cli PATH] [--overwrite]

  --count N        training images (default 96)
  --size S         their side in pixels (default 64)
  --steps A,B      the early and late checkpoints, in optimiser steps (default 300,1000)
  --batch B        images per step (default 16)
  --missing-share  share of the object annotations dropped (default 0.43: 125 of 288)

Writes OUTDIR (the set; `losslens OUTDIR` shows each run's candidates) and
OUTDIR/find_missing.json with the table's figures. Deterministic for a seed on a given
machine and thread count.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "python"))
from losslens.losses import MarginalCE, PartialCE, StandardCE  # noqa: E402
from train_shapes import ShapesNet, find_cli, make_demo, predict, write_run  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("outdir")
parser.add_argument("--count", type=int, default=96)
parser.add_argument("--size", type=int, default=64)
parser.add_argument("--steps", default="300,1000")
parser.add_argument("--batch", type=int, default=16)
parser.add_argument("--missing-share", type=float, default=125 / 288)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--cli")
parser.add_argument("--overwrite", action="store_true")


def dropped_objects(y, y_full, stems):
    """The objects whose annotation was dropped: per sample and class, the pixels labelled
    that class in the complete labels and background in the trained-on ones."""
    objects = []
    for i, stem in enumerate(stems):
        for c in range(1, 4):
            mask = (y_full[i] == c) & (y[i] == 0)
            if mask.any() and not (y[i] == c).any():
                objects.append({"stem": stem, "class": c, "mask": mask})
    return objects


def candidate_mask(c, shape):
    """A candidate's mask from the COCO RLE the CLI wrote (pycocotools' string format)."""
    s, counts, p = c["segmentation"]["counts"], [], 0
    while p < len(s):
        x, k, more = 0, 0, True
        while more:
            ch = ord(s[p]) - 48
            x |= (ch & 0x1F) << (5 * k)
            more = bool(ch & 0x20)
            p += 1
            k += 1
            if not more and (ch & 0x10):
                x |= -1 << (5 * k)
        if len(counts) > 2:
            x += counts[-2]
        counts.append(x)
    h, w = shape
    flat = np.zeros(h * w, dtype=bool)
    pos, value = 0, False
    for n in counts:
        flat[pos:pos + n] = value
        pos, value = pos + n, not value
    return flat.reshape(w, h).T


def evaluate(coco, objects, shape):
    """AP, recall@k and precision@k of the ranking (COCO annotations in rank order)."""
    by_image = {im["id"]: os.path.splitext(im["file_name"])[0] for im in coco["images"]}
    matched = [False] * len(objects)
    hits, ap, k = 0, 0.0, len(objects)
    hits_at_k = 0
    for rank, a in enumerate(coco["annotations"], start=1):
        stem = by_image[a["image_id"]]
        mask = candidate_mask(a, shape)
        for j, o in enumerate(objects):
            if matched[j] or o["stem"] != stem or o["class"] != a["category_id"]:
                continue
            inter = int((mask & o["mask"]).sum())
            union = int((mask | o["mask"]).sum())
            if union and inter / union >= 0.5:
                matched[j] = True
                hits += 1
                ap += hits / rank
                break
        if rank == k:
            hits_at_k = hits
    if len(coco["annotations"]) < k:
        hits_at_k = hits
    n = max(len(objects), 1)
    return {"ap": ap / n, "recall_at_k": hits_at_k / n, "precision_at_k": hits_at_k / max(k, 1),
            "candidates": len(coco["annotations"]), "dropped": len(objects)}


def main():
    args = parser.parse_args()
    steps = sorted(int(s) for s in args.steps.split(","))
    if os.path.exists(args.outdir) and os.listdir(args.outdir):
        if not args.overwrite:
            parser.error(f"{args.outdir} is not empty (use --overwrite to replace it)")
        shutil.rmtree(args.outdir)
    cli = find_cli(args.cli)
    start = time.monotonic()
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    work = tempfile.mkdtemp(prefix="find-missing-")
    try:
        missing = int(round(args.missing_share * 3 * args.count))
        train_dir = os.path.join(work, "train")
        stems, x, y, _ = make_demo(cli, train_dir, args.count, args.size, missing, args.seed)
        _, _, y_full, _ = make_demo(cli, os.path.join(work, "full"), args.count, args.size, 0,
                                    args.seed)
        objects = dropped_objects(y.numpy(), y_full.numpy(), stems)
        print(f"{args.count} training images of {args.size}x{args.size}, {missing} of "
              f"{3 * args.count} object annotations dropped ({len(objects)} objects to find)",
              flush=True)
        os.makedirs(args.outdir, exist_ok=True)
        for sub in ("labels", "images"):
            shutil.copytree(os.path.join(train_dir, sub), os.path.join(args.outdir, sub))
        with open(os.path.join(train_dir, "dataset.json")) as f:
            meta = json.load(f)
        with open(os.path.join(args.outdir, "dataset.json"), "w") as f:
            json.dump(meta, f, indent=2)

        torch.manual_seed(args.seed)
        init_state = ShapesNet().state_dict()
        runs = []
        for name, loss_fn in (("standard", StandardCE()), ("partial", PartialCE()),
                              ("marginal", MarginalCE())):
            torch.manual_seed(args.seed)  # the same batches for every loss
            model = ShapesNet()
            model.load_state_dict(init_state)
            optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
            step = 0
            while step < steps[-1]:
                order = torch.randperm(len(x))
                for i in range(0, len(x), args.batch):
                    idx = order[i:i + args.batch]
                    model.train()
                    loss = loss_fn(model(x[idx]), y[idx])
                    optimiser.zero_grad()
                    loss.backward()
                    optimiser.step()
                    step += 1
                    if step in steps:
                        run = f"{name}_{step:05d}"
                        write_run(args.outdir, run, stems, predict(model, x))
                        runs.append((name, step, run))
                        print(f"{name:8s} step {step:5d}  loss {float(loss):.4f}", flush=True)
                    if step >= steps[-1]:
                        break

        results = {}
        for name, step, run in runs:
            out = os.path.join(work, run + ".json")
            subprocess.run([cli, "candidates", args.outdir, "--run", run, "--format", "coco",
                            "--out", out, "--jobs", "2"], check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            with open(out) as f:
                coco = json.load(f)
            results[run] = {"loss": name, "step": step,
                            **evaluate(coco, objects, (args.size, args.size))}
        print()
        print(f"{'loss':10s} {'step':>6s} {'AP':>6s} {'recall@k':>9s} {'precision@k':>12s} "
              f"{'candidates':>11s}   (k = {len(objects)} dropped objects)")
        for run, r in results.items():
            print(f"{r['loss']:10s} {r['step']:6d} {r['ap']:6.3f} {r['recall_at_k']:9.3f} "
                  f"{r['precision_at_k']:12.3f} {r['candidates']:11d}")
        summary = {"runs": results, "count": args.count, "size": args.size, "steps": steps,
                   "batch": args.batch, "dropped_annotations": missing,
                   "dropped_objects": len(objects), "seed": args.seed,
                   "seconds": round(time.monotonic() - start, 1)}
        with open(os.path.join(args.outdir, "find_missing.json"), "w") as f:
            json.dump(summary, f, indent=2)
        print(f"\nwrote {args.outdir} in {summary['seconds']} s", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
