#!/usr/bin/python3
"""Writes LossLens's bad-input corpus: every defect the spec and the data-set issue name, and
more, each as a sample (or a whole folder) beside good samples, with the exact outcome each
one must have in OUTDIR/expected.json. The CLI tests, the window's test and the fuzzers'
seeds all use it; nothing binary is checked in.

Usage: make_bad_corpus.py OUTDIR

OUTDIR/set/            one data set: good samples, one bad stem per sample-level defect
OUTDIR/<name>/         data-set-level defects (malformed dataset.json, empty folder, ...)
OUTDIR/expected.json   {"set": {"good": [stems], "errors": {stem: {"file", "message"}},
                        "warnings": {stem: fragment}}, "sets": [{"path", "exit", "message"}]}
"""
import io
import json
import os
import struct
import sys
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "cli"))
from pngio import SIGNATURE, _chunk, write_png  # noqa: E402

H, W, C = 6, 5, 3


def npy_bytes(array, **kw):
    buf = io.BytesIO()
    np.save(buf, array, **kw)
    return buf.getvalue()


def npy_with_header(header_dict, payload=b""):
    """A version 1.0 .npy with a hand-written header dictionary (to make it lie)."""
    text = header_dict.encode("latin1")
    pad = 64 - (10 + len(text) + 1) % 64
    text += b" " * (pad % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + payload


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def png_bytes(array, **kw):
    buf_path = io.BytesIO()
    # pngio writes to a path; go through a temporary file-like shim
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".png", delete=False) as tmp:
        name = tmp.name
    try:
        write_png(name, array, **kw)
        with open(name, "rb") as f:
            buf_path.write(f.read())
    finally:
        os.unlink(name)
    return buf_path.getvalue()


def make(out):
    rng = np.random.default_rng(11)
    root = os.path.join(out, "set")
    labels_dir = os.path.join(root, "labels")
    preds_dir = os.path.join(root, "predictions")
    images_dir = os.path.join(root, "images")
    for d in [labels_dir, preds_dir, images_dir]:
        os.makedirs(d, exist_ok=True)

    good_labels = rng.integers(0, C, size=(H, W)).astype(np.uint8)
    good_labels[0, 0] = 255  # an ignore pixel
    good_probs = rng.dirichlet(np.ones(C), size=(H, W)).astype(np.float32)
    label_png = png_bytes(good_labels)
    good_npy = npy_bytes(good_probs)

    expected = {"good": [], "errors": {}, "warnings": {}}

    def good(stem):
        write(os.path.join(labels_dir, stem + ".png"), label_png)
        write(os.path.join(preds_dir, stem + ".npy"), good_npy)
        expected["good"].append(stem)

    def bad_prediction(stem, data, message):
        """A good label with a bad prediction file: the error names the .npy."""
        write(os.path.join(labels_dir, stem + ".png"), label_png)
        write(os.path.join(preds_dir, stem + ".npy"), data)
        expected["errors"][stem] = {"file": f"predictions/{stem}.npy", "message": message}

    def bad_label(stem, data, message):
        """A bad label file with a good prediction: the error names the .png."""
        write(os.path.join(labels_dir, stem + ".png"), data)
        write(os.path.join(preds_dir, stem + ".npy"), good_npy)
        expected["errors"][stem] = {"file": f"labels/{stem}.png", "message": message}

    good("good_a")
    good("good_b")
    good("good_c")
    # A corrupt display image: the sample stays usable, with a warning naming the image.
    write(os.path.join(images_dir, "good_b.jpg"), b"\xff\xd8\xff\xe0 broken jpeg")
    expected["warnings"]["good_b"] = "good_b.jpg"
    write(os.path.join(images_dir, "good_c.png"), png_bytes(np.stack([good_labels * 80] * 3, axis=2)))

    # --- .npy defects -------------------------------------------------------------------
    full = npy_bytes(good_probs)
    bad_prediction("npy_empty", b"", "empty file")
    bad_prediction("npy_truncated_data", full[: len(full) - 17], "truncated")
    bad_prediction("npy_truncated_header", full[:20], "truncated .npy header")
    lying_len = bytearray(full)
    lying_len[8:10] = struct.pack("<H", 60000)  # claims a 60000-byte header
    bad_prediction("npy_header_length_lies", bytes(lying_len), "truncated .npy header: it claims")
    bad_prediction("npy_shape_lies",
                   npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (60, 50, 3), }",
                                   good_probs.tobytes()),
                   "truncated: the header claims shape")
    bad_prediction("npy_extra_data", full + b"\0" * 64, "the file holds")
    minor = bytearray(full)
    minor[7] = 1  # version 1.1: numpy refuses it, so do we
    bad_prediction("npy_minor_version", bytes(minor), "unsupported .npy version 1.1")
    bad_prediction("npy_shape_overflow",
                   npy_with_header("{'descr': '<f4', 'fortran_order': False, "
                                   "'shape': (4294967296, 4294967296, 4294967296), }"),
                   "overflows")
    bad_prediction("npy_shape_huge",
                   npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000, 3), }"),
                   "truncated: the header claims shape (100000, 100000, 3)")
    bad_prediction("npy_negative_dim",
                   npy_with_header("{'descr': '<f4', 'fortran_order': False, 'shape': (-6, 5, 3), }"),
                   "negative dimension")
    bad_prediction("npy_zero_dim", npy_bytes(np.zeros((0, W, C), np.float32)), "size mismatch")
    bad_prediction("npy_not_npy", b"PK\x03\x04 this is a zip file", "not a .npy file")
    bad_prediction("npy_object", npy_bytes(np.array([{"a": 1}], dtype=object), allow_pickle=True),
                   "object array")
    bad_prediction("npy_string", npy_bytes(np.array(["a", "b"])), "string dtype")
    bad_prediction("npy_integer", npy_bytes((good_probs * 100).astype(np.int32)), "integer")
    bad_prediction("npy_2d", npy_bytes(good_probs[..., 0]), "2-D")
    bad_prediction("npy_5d", npy_bytes(good_probs.reshape(1, 1, H, W, C)), "5-D array")
    bad_prediction("npy_one_class", npy_bytes(np.ones((H, W, 1), np.float32)), "at least 2 are needed")
    bad_prediction("npy_nan", npy_bytes(np.where(good_probs > 0.5, np.nan, good_probs).astype(np.float32)),
                   "NaN")
    bad_prediction("npy_inf", npy_bytes(np.where(good_probs > 0.5, np.inf, good_probs).astype(np.float32)),
                   "Inf value")
    bad_prediction("npy_negative_probability", npy_bytes(good_probs - 0.6), "negative probability")
    bad_prediction("npy_size_mismatch",
                   npy_bytes(rng.dirichlet(np.ones(C), size=(H + 1, W)).astype(np.float32)),
                   "size mismatch")

    # --- label PNG defects --------------------------------------------------------------
    out_of_range = good_labels.copy()
    out_of_range[2, 3] = 7  # C = 3 and not ignore_index
    bad_label("png_label_out_of_range", png_bytes(out_of_range), "label 7")
    bad_label("png_truncated", label_png[: len(label_png) // 2], "truncated")
    bad_label("png_empty", b"", "empty file")
    bad_label("png_foreign", b"GIF89a\x01\x00\x01\x00 not a png", "not a PNG")
    bad_label("png_rgb", png_bytes(np.stack([good_labels] * 3, axis=2)), "RGB colour label PNG")
    huge = SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 0, 0, 0, 0)) + \
        _chunk(b"IDAT", zlib.compress(b"\0" * 64)) + _chunk(b"IEND", b"")
    bad_label("png_huge_header", huge, "exceeds the limit")
    bad_crc = bytearray(label_png)
    bad_crc[29] ^= 0xFF  # inside IHDR's CRC
    bad_label("png_bad_crc", bytes(bad_crc), "CRC")
    # A directory named like a label file.
    os.makedirs(os.path.join(labels_dir, "png_directory.png"), exist_ok=True)
    write(os.path.join(preds_dir, "png_directory.npy"), good_npy)
    expected["errors"]["png_directory"] = {"file": "labels/png_directory.png", "message": "is a directory"}

    # --- stems without a partner --------------------------------------------------------
    write(os.path.join(labels_dir, "only_label.png"), label_png)
    expected["errors"]["only_label"] = {"file": "labels/only_label.png", "message": "no prediction"}
    write(os.path.join(preds_dir, "only_prediction.npy"), good_npy)
    expected["errors"]["only_prediction"] = {"file": "predictions/only_prediction.npy", "message": "no label"}

    # --- data-set-level defects ---------------------------------------------------------
    sets = []

    def small_set(name, config_text):
        d = os.path.join(out, name)
        write(os.path.join(d, "labels", "a.png"), label_png)
        write(os.path.join(d, "predictions", "a.npy"), good_npy)
        if config_text is not None:
            write(os.path.join(d, "dataset.json"), config_text.encode())
        return name

    sets.append({"path": small_set("json_malformed", '{"classes": [{"name": "bg"'),
                 "exit": 2, "message": "malformed JSON", "file": "dataset.json"})
    sets.append({"path": small_set("json_not_object", "[1, 2, 3]"),
                 "exit": 2, "message": "expected a JSON object", "file": "dataset.json"})
    sets.append({"path": small_set("json_bad_colour", '{"classes": [{"name": "bg", "color": "red"}]}'),
                 "exit": 2, "message": "is not #rrggbb", "file": "dataset.json"})
    sets.append({"path": small_set("json_bad_weights", '{"class_weights": [1, -1, 1]}'),
                 "exit": 2, "message": "class_weights[1]", "file": "dataset.json"})
    sets.append({"path": small_set("json_ignore_out_of_range", '{"ignore_index": 70000}'),
                 "exit": 2, "message": "ignore_index", "file": "dataset.json"})
    os.makedirs(os.path.join(out, "empty_folder"), exist_ok=True)
    sets.append({"path": "empty_folder", "exit": 2, "message": "not a LossLens data set", "file": ""})
    os.makedirs(os.path.join(out, "no_samples", "labels"), exist_ok=True)
    os.makedirs(os.path.join(out, "no_samples", "predictions"), exist_ok=True)
    sets.append({"path": "no_samples", "exit": 2, "message": "no sample at all", "file": ""})
    sets.append({"path": "missing_folder", "exit": 2, "message": "no such folder", "file": ""})
    write(os.path.join(out, "a_file_not_a_folder"), b"just a file")
    sets.append({"path": "a_file_not_a_folder", "exit": 2, "message": "is not a folder", "file": ""})

    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump({"set": expected, "sets": sets}, f, indent=1, sort_keys=True)
    return expected, sets


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    make(sys.argv[1])
