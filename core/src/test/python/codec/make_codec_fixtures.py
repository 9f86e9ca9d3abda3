#!/usr/bin/python3
"""Golden references for the codec tests, computed by PyTorch (independently of the Java code).

Writes into core/src/test/resources/org/diloco4j/core/codec/:
  half_rounding.txt  one line per input: fp32 bits, torch bf16 bits of x, torch fp16 bits of x with
                     finite values clamped to [-65504, 65504] and infinities kept (hex). Covers
                     zeros, subnormals, ties in both formats, overflow, infinities, NaN, random
                     values over the whole fp32 range.
  int8_reference.txt INTELLECT-1 8-bit quantization of a few chunks, written straight from its
                     definition in float64: header line "chunk n", then per value "x_bits decoded_bits".

Run from the repository root:  /usr/bin/python3 core/src/test/python/codec/make_codec_fixtures.py
"""
import math
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "resources", "org", "diloco4j", "core", "codec")


def f32(bits):
    return struct.unpack("<f", struct.pack("<I", bits & 0xFFFFFFFF))[0]


def bits_of(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def half_inputs():
    vals = []
    # Special values and range edges.
    for b in [0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000, 0x7FC00000,
              0x7F7FFFFF, 0xFF7FFFFF, 0x00800000, 0x80800000, 0x00000001, 0x80000001, 0x007FFFFF]:
        vals.append(b)
    # bf16 ties and near-ties: low 16 bits 0x8000 with even / odd kept lsb, and one ulp around.
    for hi in [0x3F80, 0x3F81, 0xBF80, 0xBF81, 0x4049, 0x7F7F, 0x0001, 0x0080]:
        for lo in [0x7FFF, 0x8000, 0x8001, 0x0000, 0xFFFF]:
            vals.append((hi << 16) | lo)
    # fp16 edges: max, just above (rounds or clamps), subnormal range and its ties.
    for x in [65504.0, 65505.0, 65519.0, 65520.0, 65536.0, 1e6, -1e6, -65520.0, 2.0 ** -14, 2.0 ** -24,
              2.0 ** -25, 3 * 2.0 ** -26, 2.0 ** -26, 1.5 * 2.0 ** -24, 2.5 * 2.0 ** -24, 1 + 2.0 ** -11,
              1 + 3 * 2.0 ** -11, 1 + 2.0 ** -11 + 2.0 ** -20, 2049.0, 2051.0, 4097.0, 0.1, -0.1, 1 / 3]:
        vals.append(bits_of(x))
    g = torch.Generator().manual_seed(20240611)
    # Random magnitudes over the whole range, and raw random finite bit patterns.
    mags = torch.rand(3000, generator=g, dtype=torch.float64) * 76 - 38
    signs = torch.where(torch.rand(3000, generator=g) < 0.5, -1.0, 1.0).double()
    mant = torch.rand(3000, generator=g, dtype=torch.float64) + 1
    for x in (signs * mant * torch.pow(10.0, mags)).float().tolist():
        vals.append(bits_of(x))
    raw = torch.randint(0, 2 ** 31, (3000,), generator=g, dtype=torch.int64)
    for b in raw.tolist():
        b = b | (0x80000000 if b % 3 == 0 else 0)
        if (b & 0x7F800000) != 0x7F800000:
            vals.append(b)
    # Values that need fp16 rounding in the normal range: uniform in [-70000, 70000].
    for x in ((torch.rand(2000, generator=g, dtype=torch.float64) * 2 - 1) * 70000).float().tolist():
        vals.append(bits_of(x))
    return vals


def write_half():
    bits = half_inputs()
    x = torch.tensor([f32(b) for b in bits], dtype=torch.float32)
    bf = x.bfloat16().view(torch.int16).tolist()
    # Finite values saturate at the largest half; infinities must stay infinite (a diverged
    # pseudo-gradient has to reach the coordinator as non-finite, not as 65504).
    fp = torch.where(torch.isinf(x), x, torch.clamp(x, -65504.0, 65504.0)).half().view(torch.int16).tolist()
    with open(os.path.join(OUT, "half_rounding.txt"), "w") as f:
        f.write("# fp32_bits bf16_bits fp16_bits (torch %s); fp16 of x, finite values clamped to [-65504, 65504]\n" % torch.__version__)
        for b, h1, h2 in zip(bits, bf, fp):
            f.write("%08x %04x %04x\n" % (b, h1 & 0xFFFF, h2 & 0xFFFF))


def int8_reference(x):
    """INTELLECT-1 quantization of one chunk, from its definition, in float64."""
    xd = x.double()
    n = x.numel()
    sigma = xd.norm().item() / math.sqrt(max(n - 1, 1))
    scale = 6 * sigma / 256
    if sigma == 0:
        q = torch.full((n,), 128, dtype=torch.int64)
    else:
        q = torch.clamp(torch.floor(xd / scale + 0.5) + 128, 0, 255).long()
    counts = torch.bincount(q, minlength=256).double()
    sums = torch.zeros(256, dtype=torch.float64).index_add_(0, q, xd)
    centres = (torch.arange(256, dtype=torch.float64) - 128) * scale
    table = torch.where(counts > 0, sums / counts.clamp(min=1), centres).float()
    return table[q]


def write_int8():
    g = torch.Generator().manual_seed(7)
    cases = []
    # A pseudo-gradient-like vector with outliers (clipped bins), split into chunks of 4096 with a short last chunk.
    x = torch.randn(3 * 4096 + 1000, generator=g) * 1e-3
    x[torch.randint(0, x.numel(), (40,), generator=g)] *= 25
    cases.append((4096, x))
    # Skewed values (non-zero mean), one chunk of 300.
    cases.append((512, torch.rand(300, generator=g) * 2 + 0.5))
    with open(os.path.join(OUT, "int8_reference.txt"), "w") as f:
        f.write("# INTELLECT-1 int8 reference (torch %s): 'case chunk n' then n lines 'x_bits decoded_bits'\n" % torch.__version__)
        for chunk, x in cases:
            dec = torch.cat([int8_reference(c) for c in torch.split(x, chunk)])
            f.write("case %d %d\n" % (chunk, x.numel()))
            for a, b in zip(x.tolist(), dec.tolist()):
                f.write("%08x %08x\n" % (bits_of(a), bits_of(b)))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    write_half()
    write_int8()
