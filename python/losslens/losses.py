"""PyTorch losses that follow LossLens's definitions exactly (shared/spec.md sections 1 and 4),
so a training run optimises the same numbers `losslens-cli stats` reports.

    from losslens import StandardCE, PartialCE, MarginalCE
    loss = PartialCE()(probs, labels)            # probs: N x C x H x W probabilities (softmax)
    loss = PartialCE()(probs, labels, annotated)  # annotated: per sample None or class ids
    # or per sample a declaration {"annotated": ids, "not_exhaustive": ids}, as label_set_for
    # reads it from dataset.json

Every loss clamps probabilities to [eps, 1 - eps] (eps = 1e-7), ignores pixels labelled
ignore_index (255), and reduces like LossLens: the sum over the valid pixels of the batch
divided by their count (a sample's mean for N = 1; pixel-weighted over a batch, like Keras).

- StandardCE: -log q_y.
- PartialCE: at background pixels the standard loss times w0, where w0 = 0 iff the predicted
  class k = argmax_c p_c (ties to the lowest index) is missing from the sample, else 1 (a
  logical OR, never 2 or 4 as the article's Keras code would give); elsewhere the standard
  loss. Removed pixels stay in the denominator.
- MarginalCE: at background pixels -log clamp(p_0 + sum of p_c over missing c); elsewhere the
  standard loss.

A class is missing from a sample (section 4) when no pixel has it and, if the sample's
annotated classes are declared (dataset.json label_sets, see annotated_for), it is not one of
them; a class declared not exhaustive (annotated in some objects only, LVIS's
not_exhaustive_category_ids) is missing even where it has pixels; background is never missing. w0 and the argmax are not differentiated (they are 0/1
weights); the clamp makes the gradient 0 at clamped pixels, never inf or nan.
"""
import json
import os
import re

import torch
from torch import nn

EPS = 1e-7
IGNORE_INDEX = 255


def missing_classes(labels, classes, ignore_index=IGNORE_INDEX, annotated=None):
    """N x C bool tensor: True where class c is missing from sample n (spec section 4).

    labels: N x H x W integer tensor; annotated: None, or a list with, per sample, None (the
    article's rule: every class without a pixel), the declared annotated class ids, or a
    declaration {"annotated": ids, "not_exhaustive": ids} (label_set_for's)."""
    n = labels.shape[0]
    present = torch.zeros(n, classes, dtype=torch.bool, device=labels.device)
    for i in range(n):
        values = torch.unique(labels[i])
        values = values[(values != ignore_index) & (values >= 0) & (values < classes)]
        present[i, values.long()] = True
    missing = ~present
    missing[:, 0] = False  # background is never missing
    if annotated is not None:
        for i, ids in enumerate(annotated):
            if ids is None:
                continue
            not_exhaustive = []
            if isinstance(ids, dict):
                not_exhaustive = ids.get("not_exhaustive", [])
                ids = ids.get("annotated", [])
            declared = torch.zeros(classes, dtype=torch.bool, device=labels.device)
            for c in ids:
                if 0 <= int(c) < classes:
                    declared[int(c)] = True
            missing[i] &= ~declared
            for c in not_exhaustive:
                if 1 <= int(c) < classes:
                    missing[i, int(c)] = True
    return missing


class _SpecLoss(nn.Module):
    def __init__(self, ignore_index=IGNORE_INDEX, eps=EPS):
        super().__init__()
        self.ignore_index = ignore_index
        self.eps = eps

    def _parts(self, probs, labels):
        if probs.dim() != 4 or labels.dim() != 3:
            raise ValueError("probs must be N x C x H x W and labels N x H x W")
        valid = labels != self.ignore_index
        y = torch.where(valid, labels, torch.zeros_like(labels)).long()
        q = probs.clamp(self.eps, 1.0 - self.eps)
        standard = -torch.log(q.gather(1, y.unsqueeze(1)).squeeze(1))
        return valid, y, q, standard

    def _reduce(self, per_pixel, valid):
        per_pixel = torch.where(valid, per_pixel, torch.zeros_like(per_pixel))
        return per_pixel.sum() / valid.sum().clamp(min=1)

    def map(self, probs, labels, annotated=None):
        """The per-pixel map (N x H x W), 0 at ignore pixels."""
        raise NotImplementedError

    def forward(self, probs, labels, annotated=None):
        return self._reduce(self.map(probs, labels, annotated), labels != self.ignore_index)


class StandardCE(_SpecLoss):
    def map(self, probs, labels, annotated=None):
        valid, _, _, standard = self._parts(probs, labels)
        return torch.where(valid, standard, torch.zeros_like(standard))


class PartialCE(_SpecLoss):
    def weights(self, probs, labels, annotated=None):
        """w0 per pixel (N x H x W, 0 or 1): 0 where the argmax class is missing."""
        missing = missing_classes(labels, probs.shape[1], self.ignore_index, annotated)
        k = probs.detach().argmax(dim=1)  # the first maximum: ties to the lowest index
        removed = torch.gather(missing, 1, k.flatten(1)).view_as(k)
        return (~removed).to(probs.dtype)

    def map(self, probs, labels, annotated=None):
        valid, y, _, standard = self._parts(probs, labels)
        w0 = self.weights(probs, labels, annotated)
        partial = torch.where(y == 0, w0 * standard, standard)
        return torch.where(valid, partial, torch.zeros_like(partial))


class MarginalCE(_SpecLoss):
    def map(self, probs, labels, annotated=None):
        valid, y, _, standard = self._parts(probs, labels)
        missing = missing_classes(labels, probs.shape[1], self.ignore_index, annotated)
        # p_0 plus the probabilities of the missing classes, per sample.
        merge = missing.clone()
        merge[:, 0] = True
        merged = (probs * merge.to(probs.dtype)[:, :, None, None]).sum(dim=1)
        marginal = -torch.log(merged.clamp(self.eps, 1.0 - self.eps))
        out = torch.where(y == 0, marginal, standard)
        return torch.where(valid, out, torch.zeros_like(out))


def _glob_regex(pattern):
    # LossLens's globs: '*' any run of characters, '?' one character, everything else literal
    # (brackets included), over the whole stem.
    return re.compile("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch)
                              for ch in pattern) + r"\Z", re.DOTALL)


def label_set_for(stem, dataset_json):
    """The declaration dataset.json's label_sets makes for a stem (the first entry that
    matches) as {"annotated": ids, "not_exhaustive": ids}, or None when no entry matches (the
    article's rule). dataset_json: a path or the parsed object."""
    if isinstance(dataset_json, (str, os.PathLike)):
        if not os.path.exists(dataset_json):
            return None
        with open(dataset_json) as f:
            dataset_json = json.load(f)
    names = [c["name"] if isinstance(c, dict) else c for c in dataset_json.get("classes", [])]

    def ids(items):
        return [names.index(a) if isinstance(a, str) else int(a) for a in items]

    for entry in dataset_json.get("label_sets", []):
        if _glob_regex(entry["match"]).match(stem):
            return {"annotated": ids(entry["annotated"]),
                    "not_exhaustive": ids(entry.get("not_exhaustive", []))}
    return None


def annotated_for(stem, dataset_json):
    """The annotated class ids dataset.json's label_sets declares for a stem (the first entry
    that matches), or None when no entry matches (the article's rule). dataset_json: a path
    or the parsed object. label_set_for also gives the not-exhaustive classes."""
    declaration = label_set_for(stem, dataset_json)
    return None if declaration is None else declaration["annotated"]
