"""The article's experiment, run for real: train the same small fully-convolutional net twice
on the demo shapes with annotations removed at random, once with the standard cross-entropy and
once with the missing-annotation-aware (partial) one, then compare the two models on held-out
images whose labels are complete. The held-out set and both models' predictions are written as
a LossLens data set with one run per model, so `losslens OUTDIR` opens the comparison.

Usage:
  /usr/bin/python3 examples/train_shapes.py OUTDIR [--quick] [--epochs N] [--seed S]
                   [--every K] [--missing-share F] [--cli PATH] [--overwrite]

  --quick          a small run (48 training images of 64 x 64, 12 epochs): minutes on 2 cores
  --epochs N       training epochs (default 12 with --quick, else 30)
  --seed S         one seed for the data, the initial weights and the batch order (default 1)
  --every K        also write each model's held-out predictions every K epochs as runs
                   standard_eNNN and partial_eNNN (checkpoints to compare)
  --missing-share  the share of the training set's object annotations removed at random
                   (default 0.4; the removed object's pixels become background, as when an
                   annotator skipped it)
  --cli PATH       losslens-cli (default: build/bin/losslens-cli beside this script, or PATH)

Writes OUTDIR/{labels,images,dataset.json} (the held-out set), OUTDIR/predictions/<run>/
(softmax probabilities, H x W x C float32) and OUTDIR/training.json:
  {"runs": {"standard": {"miou", "missing_class_iou", "final_train_loss"}, "partial": {...}},
   "epochs", "seed", "seconds", ...}
miou is the mean IoU over the four classes on the held-out images; missing_class_iou the mean
IoU of the object classes that had annotations removed during training. Each run also gets
the article's three numbers for its predictions on the training images: the standard loss on
the complete labels, the standard loss on the labels with annotations removed, and the
partial loss on those. Deterministic for a
seed on a given machine and thread count (torch's deterministic algorithms are on).
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
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "python"))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "cli"))
from losslens import write_predictions  # noqa: E402
from losslens.losses import PartialCE, StandardCE  # noqa: E402
from pngio import read_png  # noqa: E402


def find_cli(given):
    if given:
        return given
    local = os.path.join(HERE, "..", "build", "bin", "losslens-cli")
    if os.path.exists(local):
        return os.path.abspath(local)
    found = shutil.which("losslens-cli")
    if not found:
        sys.exit("train_shapes: losslens-cli not found (build it, or pass --cli PATH)")
    return found


def make_demo(cli, root, count, size, missing, seed):
    subprocess.run([cli, "demo", root, "--count", str(count), "--size", str(size),
                    "--missing", str(missing), "--seed", str(seed), "--jobs", "2"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(root, "dataset.json")) as f:
        meta = json.load(f)
    stems = sorted(s[:-4] for s in os.listdir(os.path.join(root, "labels")))
    images, labels = [], []
    for stem in stems:
        image, _ = read_png(os.path.join(root, "images", stem + ".png"))
        label, _ = read_png(os.path.join(root, "labels", stem + ".png"))
        images.append(image.astype(np.float32) / 255.0)
        labels.append(label.astype(np.int64))
    x = torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).contiguous()
    y = torch.from_numpy(np.stack(labels))
    return stems, x, y, meta


class ShapesNet(nn.Module):
    """A small fully-convolutional net: dilated 3 x 3 convolutions, softmax over 4 classes."""

    def __init__(self, classes=4, width=24):
        super().__init__()
        layers, channels = [], 3
        for dilation in (1, 2, 4, 1):
            layers += [nn.Conv2d(channels, width, 3, padding=dilation, dilation=dilation),
                       nn.ReLU(inplace=True)]
            channels = width
        layers.append(nn.Conv2d(width, classes, 1))
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return torch.softmax(self.body(x), dim=1)


def iou_per_class(pred, truth, classes):
    ious = []
    for c in range(classes):
        inter = int(((pred == c) & (truth == c)).sum())
        union = int(((pred == c) | (truth == c)).sum())
        ious.append(inter / union if union else float("nan"))
    return ious


def predict(model, x):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[i:i + 8]) for i in range(0, len(x), 8)])


def write_run(outdir, run, stems, probs):
    # The package's writer: H x W x C per sample, each file renamed into place whole (an
    # open inspector watching the set never reads half of one).
    write_predictions(outdir, run, stems, probs, dtype="float32")


def train(name, loss_fn, x, y, init_state, args, held_x, outdir, held_stems):
    torch.manual_seed(args.seed)  # the same batch order for both models
    model = ShapesNet()
    model.load_state_dict(init_state)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-2)
    batch = 4
    last = float("nan")
    for epoch in range(1, args.epochs + 1):
        model.train()
        order = torch.randperm(len(x))
        total, pixels = 0.0, 0
        for i in range(0, len(x), batch):
            idx = order[i:i + batch]
            probs = model(x[idx])
            loss = loss_fn(probs, y[idx])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            valid = int((y[idx] != 255).sum())
            total += float(loss) * valid
            pixels += valid
        last = total / max(pixels, 1)
        print(f"{name:8s} epoch {epoch:3d}/{args.epochs}  train loss {last:.5f}", flush=True)
        if args.every and epoch % args.every == 0 and epoch != args.epochs:
            write_run(outdir, f"{name}_e{epoch:03d}", held_stems, predict(model, held_x))
    return model, last


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--every", type=int, default=0)
    parser.add_argument("--missing-share", type=float, default=0.4)
    parser.add_argument("--cli")
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args()
    if args.epochs is None:
        args.epochs = 12 if args.quick else 30
    if args.epochs < 1 or args.every < 0 or not 0.0 <= args.missing_share <= 1.0:
        parser.error("--epochs must be >= 1, --every >= 0 and --missing-share within 0..1")
    if os.path.exists(args.outdir) and os.listdir(args.outdir):
        if not args.overwrite:
            parser.error(f"{args.outdir} is not empty (use --overwrite to replace it)")
        shutil.rmtree(args.outdir)
    cli = find_cli(args.cli)
    start = time.monotonic()
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(min(2, os.cpu_count() or 1))

    count, held, size = (48, 12, 64) if args.quick else (160, 32, 96)
    work = tempfile.mkdtemp(prefix="train-shapes-")
    try:
        missing = int(round(args.missing_share * 3 * count))
        _, x, y, train_meta = make_demo(cli, os.path.join(work, "train"), count, size, missing,
                                        args.seed)
        # The same seed gives the same images whatever is removed: the complete labels of the
        # training images, for the article's "loss on complete labels".
        _, x_full, y_full, _ = make_demo(cli, os.path.join(work, "train_full"), count, size, 0,
                                         args.seed)
        assert torch.equal(x, x_full)
        held_dir = os.path.join(work, "heldout")
        held_stems, held_x, held_y, _ = make_demo(cli, held_dir, held, size, 0, args.seed + 1000)
        removed = sorted({c for ids in train_meta["demo"]["removed"].values() for c in ids})
        print(f"training set: {count} images of {size}x{size}, {missing} of {3 * count} object "
              f"annotations removed (classes {removed}); held-out: {held} complete images",
              flush=True)

        os.makedirs(args.outdir, exist_ok=True)
        for sub in ("labels", "images"):
            shutil.copytree(os.path.join(held_dir, sub), os.path.join(args.outdir, sub))
        with open(os.path.join(held_dir, "dataset.json")) as f:
            held_meta = json.load(f)
        held_meta.pop("demo", None)
        with open(os.path.join(args.outdir, "dataset.json"), "w") as f:
            json.dump(held_meta, f, indent=2)

        torch.manual_seed(args.seed)
        init_state = ShapesNet().state_dict()
        results = {}
        for name, loss_fn in (("standard", StandardCE()), ("partial", PartialCE())):
            model, last = train(name, loss_fn, x, y, init_state, args, held_x, args.outdir,
                                held_stems)
            # The article's three numbers, for this model's predictions on the training images.
            train_probs = predict(model, x)
            with torch.no_grad():
                article = {
                    "loss_complete_labels": float(StandardCE()(train_probs, y_full)),
                    "standard_loss_missing_labels": float(StandardCE()(train_probs, y)),
                    "partial_loss_missing_labels": float(PartialCE()(train_probs, y)),
                }
            probs = predict(model, held_x)
            write_run(args.outdir, name, held_stems, probs)
            ious = iou_per_class(probs.argmax(dim=1), held_y, 4)
            miss = [ious[c] for c in removed]
            results[name] = {
                "miou": float(np.nanmean(ious)),
                "missing_class_iou": float(np.nanmean(miss)) if miss else None,
                "final_train_loss": last,
                "class_iou": ious,
                **article,
            }
            print(f"{name:8s} held-out mIoU {results[name]['miou']:.4f}, IoU of classes with "
                  f"removed annotations {results[name]['missing_class_iou']:.4f}", flush=True)
        summary = {
            "runs": results,
            "epochs": args.epochs,
            "seed": args.seed,
            "seconds": round(time.monotonic() - start, 1),
            "quick": args.quick,
            "training_images": count,
            "heldout_images": held,
            "size": size,
            "removed_annotations": missing,
            "removed_classes": removed,
        }
        with open(os.path.join(args.outdir, "training.json"), "w") as f:
            json.dump(summary, f, indent=2)
        print(f"wrote {args.outdir} in {summary['seconds']} s: open it with losslens "
              f"{args.outdir}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
