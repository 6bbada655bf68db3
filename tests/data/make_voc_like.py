"""Writes a VOC-like 21-class data set for trying LossLens on realistic data and for the
label-set figures in docs: palette label PNGs with 255 borders, a few objects per image,
predictions from a synthetic model that sees every object and now and then a blob of a
class that is not there, and a dataset.json whose label_sets say which classes each image
was annotated for. Two sources are merged, as in partially labelled data:

  srcA_*  annotated for classes 1-10 only (objects of 11-20 there are labelled background)
  srcB_*  annotated for classes 11-20 only
  full_*  annotated for every class (matched by the catch-all "*")

Usage: /usr/bin/python3 make_voc_like.py OUTDIR [--count N] [--width W] [--height H] [--seed S]
"""
import argparse
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from pngio import write_png  # noqa: E402

NAMES = ["background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat",
         "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person", "pottedplant",
         "sheep", "sofa", "train", "tvmonitor"]
C = len(NAMES)
SOURCES = {"srcA": list(range(1, 11)), "srcB": list(range(11, 21)), "full": list(range(1, 21))}


def blur(a, r):
    """Box blur of radius r along both axes (cheap smooth noise and soft borders)."""
    k = 2 * r + 1
    for axis in (0, 1):
        c = np.cumsum(np.pad(a, [(r + 1, r) if i == axis else (0, 0) for i in range(2)], mode="edge"),
                      axis=axis)
        a = (np.take(c, range(k, c.shape[axis]), axis=axis) - np.take(c, range(0, c.shape[axis] - k), axis=axis)) / k
    return a


def sample(rng, h, w, source):
    labels = np.zeros((h, w), np.uint8)
    seen = np.zeros((h, w), np.int64)
    yy, xx = np.mgrid[0:h, 0:w]
    for c in rng.choice(np.arange(1, C), size=rng.integers(1, 5), replace=False):
        cy, cx = rng.uniform(0.15, 0.85) * h, rng.uniform(0.15, 0.85) * w
        ry, rx = rng.uniform(0.05, 0.25) * h, rng.uniform(0.05, 0.25) * w
        inside = ((yy - cy) / ry) ** 2 + ((xx - cx) / rx) ** 2 <= 1
        seen[inside] = c
        if c in SOURCES[source]:
            ring = ((yy - cy) / (ry + 2)) ** 2 + ((xx - cx) / (rx + 2)) ** 2 <= 1
            labels[ring & ~inside & (labels == 0)] = 255
            labels[inside] = c
    for _ in range(rng.integers(1, 5)):  # the model sees a blob of a class that is not there
        c = rng.integers(1, C)
        cy, cx, r = rng.uniform(0.1, 0.9) * h, rng.uniform(0.1, 0.9) * w, rng.uniform(0.03, 0.10) * h
        blob = ((yy - cy) ** 2 + (xx - cx) ** 2 <= r * r) & (seen == 0)
        seen[blob] = c
    scores = np.zeros((h, w, C), np.float32)
    for c in np.unique(seen):
        scores[..., c] = 7.0 * blur((seen == c).astype(np.float32), max(1, h // 200))
    scores += rng.normal(size=(h, w, C)).astype(np.float32) * 0.8
    scores -= scores.max(axis=2, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=2, keepdims=True)
    return labels, p.astype(np.float32)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--width", type=int, default=1024)
    parser.add_argument("--height", type=int, default=768)
    parser.add_argument("--seed", type=int, default=21)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    for sub in ["labels", "predictions"]:
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    palette = np.zeros((256, 3), np.int64)
    for i in range(256):  # Pascal VOC's colour map
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        palette[i] = (r, g, b)
    kinds = ["srcA", "srcB", "full"]
    for n in range(args.count):
        source = kinds[n % 3]
        stem = f"{source}_{n:04d}"
        labels, probs = sample(rng, args.height, args.width, source)
        write_png(os.path.join(args.out, "labels", stem + ".png"), labels, palette=palette)
        np.save(os.path.join(args.out, "predictions", stem + ".npy"), probs)
    config = {
        "classes": [{"name": name, "color": "#%02x%02x%02x" % tuple(palette[i])} for i, name in enumerate(NAMES)],
        "label_sets": [
            {"match": "srcA_*", "annotated": NAMES[1:11]},
            {"match": "srcB_*", "annotated": list(range(11, 21))},
            {"match": "*", "annotated": list(range(1, 21))},
        ],
    }
    with open(os.path.join(args.out, "dataset.json"), "w") as f:
        json.dump(config, f, indent=2)


if __name__ == "__main__":
    main()
