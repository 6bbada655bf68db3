"""Minimal PNG writing and reading for the CLI tests, independent of LossLens's own code.

Writes grey (8/16-bit) and palette PNGs with zlib; reads non-interlaced 8-bit grey, palette
and RGB PNGs (all five filter types), which is what OpenCV writes for LossLens.
"""
import struct
import zlib

import numpy as np

SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def write_png(path, array, palette=None, bit_depth=8):
    """array: H x W uint8/uint16 indices (grey, or palette indices when palette is given),
    or H x W x 3 uint8 (RGB colour)."""
    h, w = array.shape[:2]
    colour_type = 3 if palette is not None else (2 if array.ndim == 3 else 0)
    if bit_depth == 16:
        rows = [b"\x00" + array[y].astype(">u2").tobytes() for y in range(h)]
    else:
        rows = [b"\x00" + array[y].astype(np.uint8).reshape(-1).tobytes() for y in range(h)]
    data = SIGNATURE + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, colour_type, 0, 0, 0))
    if palette is not None:
        data += _chunk(b"PLTE", bytes(bytearray(np.asarray(palette, dtype=np.uint8).reshape(-1))))
    data += _chunk(b"IDAT", zlib.compress(b"".join(rows))) + _chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def read_png(path):
    """Returns (array, colour_type): H x W (grey/palette) or H x W x 3 (RGB), uint8."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == SIGNATURE, path
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    w, h, depth, colour_type, _, _, interlace = ihdr
    assert depth == 8 and interlace == 0, (path, depth, interlace)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    raw = zlib.decompress(idat)
    stride = w * channels
    out = np.zeros((h, stride), dtype=np.uint8)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(h):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        ftype, row = line[0], np.frombuffer(line[1:], dtype=np.uint8).astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        for x in range(stride):
            a = cur[x - channels] if x >= channels else 0
            b = prev[x]
            c = prev[x - channels] if x >= channels else 0
            if ftype == 0:
                p = 0
            elif ftype == 1:
                p = a
            elif ftype == 2:
                p = b
            elif ftype == 3:
                p = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[x] = (row[x] + p) & 0xFF
        out[y] = cur
        prev = cur
    if channels == 1:
        return out.reshape(h, w), colour_type
    return out.reshape(h, w, channels), colour_type
