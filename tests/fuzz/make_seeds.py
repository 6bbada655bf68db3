#!/usr/bin/python3
"""Writes the fuzzers' seed corpora: small valid and broken files of each format, plus every
file of the bad-input corpus (tests/corpus/make_bad_corpus.py).

Usage: make_seeds.py OUTDIR   ->  OUTDIR/npy, OUTDIR/png, OUTDIR/json, OUTDIR/img,
                                   OUTDIR/coco, OUTDIR/rle
"""
import io
import json
import struct
import zlib
import os
import shutil
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))
from pngio import write_png  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus"))
import make_bad_corpus  # noqa: E402


def npy_bytes(array, **kw):
    buf = io.BytesIO()
    np.save(buf, array, **kw)
    return buf.getvalue()


def main(out):
    for sub in ["npy", "png", "json", "img", "coco", "rle"]:
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(3), size=(4, 5)).astype(np.float32)
    seeds = {
        "f4.npy": npy_bytes(probs),
        "f8be_fortran.npy": npy_bytes(np.asfortranarray(probs.astype(">f8"))),
        "f2_chw.npy": npy_bytes(probs.transpose(2, 0, 1).astype(np.float16)),
        "batch.npy": npy_bytes(probs[None]),
        "int.npy": npy_bytes(np.arange(6, dtype=np.int32)),
        "object.npy": npy_bytes(np.array([{"a": 1}], dtype=object), allow_pickle=True),
        "truncated.npy": npy_bytes(probs)[:100],
    }
    v2 = bytearray(npy_bytes(probs))
    for name, data in seeds.items():
        with open(os.path.join(out, "npy", name), "wb") as f:
            f.write(data)
    with open(os.path.join(out, "npy", "v2.npy"), "wb") as f:
        header_len = v2[8] | (v2[9] << 8)
        f.write(b"\x93NUMPY\x02\x00" + header_len.to_bytes(4, "little") + bytes(v2[10:]))
    labels = rng.integers(0, 4, size=(6, 7)).astype(np.uint8)
    labels[0] = 255
    write_png(os.path.join(out, "png", "grey8.png"), labels)
    write_png(os.path.join(out, "png", "grey16.png"), labels.astype(np.uint16) * 300, bit_depth=16)
    write_png(os.path.join(out, "png", "palette.png"), labels, palette=rng.integers(0, 256, size=(256, 3)))
    docs = {
        "full.json": {"classes": [{"name": "bg", "color": "#000000"}, {"name": "a", "color": "#ff00aa"}],
                      "ignore_index": 255, "prediction_layout": "CHW", "prediction_kind": "logits"},
        "names.json": {"classes": ["bg", "cat"]},
        "bad.json": {"classes": [{"name": 3}], "ignore_index": -1},
        "label_sets.json": {"classes": ["bg", "liver", "kidney"],
                            "label_sets": [{"match": "liver_*", "annotated": ["liver"]},
                                           {"match": "img_0042", "annotated": [1, 2]},
                                           {"match": "a*b?c**", "annotated": []},
                                           {"match": "*", "annotated": [2]}]},
        "label_sets_ids.json": {"label_sets": [{"match": "s??_*x", "annotated": [0, 7, 63]}]},
        "label_sets_bad.json": {"classes": ["bg"], "label_sets": [{"match": "", "annotated": ["x"]}]},
    }
    add_huge_chunk_pngs(os.path.join(out, "png"))
    for name, doc in docs.items():
        with open(os.path.join(out, "json", name), "w") as f:
            json.dump(doc, f)
    with open(os.path.join(out, "json", "malformed.json"), "w") as f:
        f.write('{"classes": [')
    add_bad_corpus(out)
    add_display_images(os.path.join(out, "img"), rng)
    add_coco(out)


def add_coco(out):
    """COCO and LVIS files of test_coco.py's generator (polygons, multi-polygons, a bowtie,
    RLE lists and strings, crowd regions), a broken one, and RLE strings prefixed by the
    mask's width - 1 and height - 1 (FuzzRle's input)."""
    import numpy as np
    from test_coco import make_coco, polygon_mask, random_polygon, rle_encode, rle_to_string
    rng = np.random.default_rng(3)
    for lvis in (False, True):
        text = json.dumps(make_coco(rng, lvis))
        with open(os.path.join(out, "coco", f"{'lvis' if lvis else 'coco'}.json"), "w") as f:
            f.write(text)
    with open(os.path.join(out, "coco", "cut.json"), "w") as f:
        f.write(text[: len(text) // 2])
    for i, (h, w) in enumerate([(8, 8), (13, 29), (40, 7)]):
        mask = polygon_mask(random_polygon(rng, h, w), h, w)
        with open(os.path.join(out, "rle", f"mask{i}.rle"), "wb") as f:
            f.write(bytes([w - 1, h - 1]) + rle_to_string(rle_encode(mask)).encode())


def add_display_images(folder, rng):
    """Display-image seeds: RGB, grey and palette PNGs, 24-bit and 8-bit BMPs, an RGB TIFF."""
    rgb = rng.integers(0, 256, size=(5, 7, 3)).astype(np.uint8)
    write_png(os.path.join(folder, "rgb.png"), rgb)
    write_png(os.path.join(folder, "grey.png"), rgb[:, :, 0])
    write_png(os.path.join(folder, "palette.png"), rgb[:, :, 1] % 4, palette=rng.integers(0, 256, size=(4, 3)))
    h, w = rgb.shape[:2]

    def bmp(bits, rows, palette=b""):
        offset = 54 + len(palette)
        pixels = b"".join(rows)
        header = b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset)
        info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, bits, 0, len(pixels), 2835, 2835,
                           len(palette) // 4, 0)
        return header + info + palette + pixels

    def padded(row):
        return row + b"\0" * (-len(row) % 4)

    with open(os.path.join(folder, "rgb24.bmp"), "wb") as f:
        f.write(bmp(24, [padded(rgb[y, :, ::-1].tobytes()) for y in reversed(range(h))]))
    grey_palette = b"".join(bytes([i, i, i, 0]) for i in range(256))
    with open(os.path.join(folder, "grey8.bmp"), "wb") as f:
        f.write(bmp(8, [padded(rgb[y, :, 0].tobytes()) for y in reversed(range(h))], grey_palette))
    # Little-endian TIFF: one uncompressed RGB strip, the IFD after the pixels.
    pixels = rgb.tobytes()
    pixels += b"\0" * (len(pixels) % 2)  # IFDs start on a word boundary
    bits_at = 8 + len(pixels)
    ifd_at = bits_at + 6
    entries = [(256, 3, 1, w), (257, 3, 1, h), (258, 3, 3, bits_at), (259, 3, 1, 1),
               (262, 3, 1, 2), (273, 4, 1, 8), (277, 3, 1, 3), (278, 3, 1, h),
               (279, 4, 1, rgb.size)]
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack("<HHI", tag, kind, count)
        ifd += struct.pack("<HH", value, 0) if kind == 3 and count == 1 else struct.pack("<I", value)
    ifd += struct.pack("<I", 0)
    with open(os.path.join(folder, "rgb.tif"), "wb") as f:
        f.write(b"II*\0" + struct.pack("<I", ifd_at) + pixels + struct.pack("<HHH", 8, 8, 8) + ifd)


def png_chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def add_huge_chunk_pngs(folder):
    """Tiny PNGs whose ancillary chunk claims ~2 GiB, before and after the image data: every
    chunk type libpng reads variable-length data for, and a private one (issue: a 60-byte
    file made the reader allocate the claim)."""
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 0, 0, 0, 0))
    idat = png_chunk(b"IDAT", zlib.compress(b"\0" * 20))
    for kind in [b"tEXt", b"zTXt", b"iTXt", b"iCCP", b"pCAL", b"sCAL", b"sPLT", b"eXIf", b"prVt"]:
        huge = struct.pack(">I", 0x7FFF0000) + kind + b"keyword"
        name = kind.decode()
        with open(os.path.join(folder, f"huge_{name}_before.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + ihdr + huge)
        with open(os.path.join(folder, f"huge_{name}_after.png"), "wb") as f:
            f.write(b"\x89PNG\r\n\x1a\n" + ihdr + idat + huge)


def add_bad_corpus(out):
    """Every distinct regular file of the bad-input corpus, by format."""
    seen = set()
    with tempfile.TemporaryDirectory() as tmp:
        make_bad_corpus.make(tmp)
        for folder, _, files in os.walk(tmp):
            for name in files:
                source = os.path.join(folder, name)
                tag = os.path.relpath(folder, tmp).replace(os.sep, "_")
                if name.endswith(".npy"):
                    kind = "npy"
                elif name.endswith(".png"):
                    kind = "png"
                elif name == "dataset.json":
                    kind = "json"
                else:
                    continue
                with open(source, "rb") as f:
                    content = f.read()
                if content in seen:
                    continue
                seen.add(content)
                shutil.copyfile(source, os.path.join(out, kind, f"corpus_{tag}_{name}"))


if __name__ == "__main__":
    main(sys.argv[1])
