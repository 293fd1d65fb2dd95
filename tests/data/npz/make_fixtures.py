#!/usr/bin/env python3
"""Regenerates the small .npz fixtures of tests/test_npz_file.cpp (NumPy 1.24; run from this folder).

Not a test dependency: the fixtures are committed. Each file exercises one way an .npz can be
good or bad; the tests assert the exact one-line message the loader gives for it.
"""
import io
import os
import struct
import zipfile
import zlib

import numpy as np


def npy_bytes(arr, version=None):
    b = io.BytesIO()
    np.lib.format.write_array(b, arr, version=version, allow_pickle=False)
    return b.getvalue()


def zip_members(path, members, compress=False):
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(path, "w", compression=method) as z:
        for name, data in members:
            z.writestr(name, data)


good = dict(
    f8=np.array([1.5, -2.25, 3e10]),
    f4=np.array([0.5, 1.25], dtype="<f4"),
    i8=np.array([[1, 2, 3], [4, 5, 6]], dtype="<i8"),
    i4=np.array([-7, 8], dtype="<i4"),
    fortran=np.asfortranarray(np.arange(6, dtype="<f8").reshape(2, 3)),
    scalar=np.array(42.0),
    text=np.array(["h100_sxm", "µ-gpu"]),
)
np.savez("good_stored.npz", **good)
np.savez_compressed("good_deflate.npz", **good)
# .npy format versions 2.0 and 3.0 (NumPy picks them only for huge or non-latin-1 headers).
zip_members("versions.npz", [("v1.npy", npy_bytes(good["f8"], (1, 0))),
                             ("v2.npy", npy_bytes(good["f8"], (2, 0))),
                             ("v3.npy", npy_bytes(good["f8"], (3, 0)))])

raw = open("good_stored.npz", "rb").read()
open("truncated.npz", "wb").write(raw[: len(raw) // 2])
open("not_zip.npz", "wb").write(b"this is a text file, not a zip archive of .npy members\n")
open("tiny.npz", "wb").write(b"PK\x03\x04\x00")

np.savez("unknown_dtype.npz", x_kv_usage=np.array([1, 2], dtype="<i2"))
np.savez("big_endian.npz", prefill_isl=np.array([1.0, 2.0], dtype=">f8"))
np.savez("rank3.npz", x=np.zeros((2, 2, 2)))

# A member whose header promises more data than the file holds.
data = npy_bytes(np.arange(100, dtype="<f8"))
zip_members("short_member.npz", [("x.npy", data[:-16])])
# A header whose shape overflows 64 bits when multiplied out (2^35 x 2^35 elements).
hdr = "{'descr': '<f8', 'fortran_order': False, 'shape': (34359738368, 34359738368), }"
hdr += " " * (63 - (10 + len(hdr)) % 64) + "\n"
zip_members("huge_shape.npz", [("x_kv_usage.npy", b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode())])

# Stored member with one data byte flipped: the CRC no longer matches.
buf = bytearray(open("good_stored.npz", "rb").read())
pos = buf.index(b"\x93NUMPY") + 130
buf[pos] ^= 0xFF
open("bad_crc.npz", "wb").write(bytes(buf))
# Deflate member whose compressed stream is cut short (sizes patched to stay consistent).
full = npy_bytes(np.arange(64, dtype="<f8"))
comp = zlib.compressobj(9, zlib.DEFLATED, -15)
stream = comp.compress(full) + comp.flush()
cut = stream[: len(stream) // 2]
name = b"x.npy"
crc = zlib.crc32(full)
local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(cut), len(full), len(name), 0) + name
central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(cut), len(full),
                      len(name), 0, 0, 0, 0, 0, 0) + name
eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + len(cut), 0)
open("corrupt_deflate.npz", "wb").write(local + cut + central + eocd)
# A stored member claiming an uncompressed size of 16 GiB (a size bomb): must fail without allocating.
local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0, 0, 8, 0xFFFFFFFF, len(name), 0) + name
central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0, 0, 8, 0xFFFFFFFF,
                      len(name), 0, 0, 0, 0, 0, 0) + name
eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + 8, 0)
open("size_bomb.npz", "wb").write(local + b"\0" * 8 + central + eocd)
# A deflate member claiming 4 GiB from 8 compressed bytes (beyond deflate's 1032:1 limit).
local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, 0, 8, 0xFFFFFFFE, len(name), 0) + name
central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, 0, 8, 0xFFFFFFFE,
                      len(name), 0, 0, 0, 0, 0, 0) + name
eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(local) + 8, 0)
open("deflate_bomb.npz", "wb").write(local + b"\0" * 8 + central + eocd)

# Decode/prefill profiles with bad values.
dec = dict(x_kv_usage=np.array([0.1, 0.5, 0.9, 0.5]), y_context_length=np.array([100.0, 100.0, 100.0, 900.0]),
           z_itl=np.array([5.0, 6.0, 7.0, 8.0]), z_thpt_per_gpu=np.array([100.0, 200.0, 300.0, 150.0]),
           max_kv_tokens=np.array([10000]))
bad = dict(dec, z_itl=np.array([5.0, 6.0, np.nan, 8.0]))
np.savez("decode_nan.npz", **bad)
bad = dict(dec, z_thpt_per_gpu=np.array([100.0, np.inf, 300.0, 150.0]))
np.savez("decode_inf.npz", **bad)
bad = dict(dec, z_itl=np.array([5.0, 6.0, 7.0]))
np.savez("decode_mismatched.npz", **bad)
bad = dict(dec, x_kv_usage=np.array([0.1, 0.2, 0.3, 0.4]), y_context_length=np.array([100.0, 200.0, 300.0, 400.0]))
np.savez("decode_collinear.npz", **bad)
np.savez_compressed("decode_deflate.npz", **dec)
np.savez("prefill_inf.npz", prefill_isl=np.array([100, 200, 400]), prefill_ttft=np.array([10.0, np.inf, 40.0]),
         prefill_thpt_per_gpu=np.array([1.0, 2.0, 3.0]))

# A profile directory with its prefill part only.
os.makedirs("prefill_only/selected_prefill_interpolation", exist_ok=True)
np.savez("prefill_only/selected_prefill_interpolation/raw_data.npz", prefill_isl=np.array([100, 200, 400]),
         prefill_ttft=np.array([10.0, 20.0, 40.0]), prefill_thpt_per_gpu=np.array([1.0, 2.0, 3.0]))
