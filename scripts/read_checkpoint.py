#!/usr/bin/env python3
"""Opens a diloco4j checkpoint and reads θ from it, with numpy only (the format: docs/run-directory.md).

A checkpoint (runs/<run>/checkpoint/state.bin, or a coordinator's checkpoint/coordinator.ckpt) is a
safetensors file: 8 bytes little-endian header length, a JSON header, then raw little-endian tensors.
The header's __metadata__ names θ's tensor under "theta".

Usage: scripts/read_checkpoint.py CHECKPOINT [OUT]   prints θ's shape and CRC32; with OUT, writes θ
there as raw little-endian float32 (numpy.fromfile(OUT, "<f4") reads it back).
"""
import json
import struct
import sys
import zlib

import numpy as np

path = sys.argv[1]
with open(path, "rb") as f:
    (n,) = struct.unpack("<Q", f.read(8))
    header = json.loads(f.read(n))
    data = f.read()
meta = header.get("__metadata__", {})
if meta.get("format") != "diloco4j-checkpoint":
    sys.exit(f"{path} is not a diloco4j checkpoint")
if "theta" not in meta:
    sys.exit(f"{path} is of a timing-only run: it holds no θ")
t = header[meta["theta"]]
begin, end = t["data_offsets"]
theta = np.frombuffer(data[begin:end], dtype="<f4").reshape(t["shape"])
print(f"checkpoint version {meta['version']} ({meta['kind']}): theta shape {list(theta.shape)} crc32 {zlib.crc32(theta.tobytes()):08x}")
if len(sys.argv) > 2:
    theta.tofile(sys.argv[2])
