#!/usr/bin/python3
"""Golden reference for the fp4 codec (FP4 E3M0, per-block fp32 absmax scale), written from its
definition with numpy, independently of the Java code.

Definition (see Fp4Codec's Javadoc): per block of `block` values with absmax a, the E3M0 levels are
0 and a * 2^(e - 7) for e = 1..7, with their signs. Each value goes to the nearest level of r = |x| / a
(r computed as one float32 division), ties to the smaller magnitude; a value that rounds to 0 is +0.
Here the nearest level is found by brute force (arg-min of the distance to all 8 magnitudes, in
float64, first index wins a tie), not by the thresholds the Java code compares against.

Writes core/src/test/resources/org/diloco4j/core/codec/fp4_reference.txt: a header line, then per
case a line "case block n" followed by n lines "x_bits decoded_bits" (hex float32 bits).

Run from the repository root:  /usr/bin/python3 core/src/test/python/codec/make_fp4_fixture.py
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "resources", "org", "diloco4j", "core", "codec")
MAGNITUDES = np.array([0.0] + [2.0 ** (e - 7) for e in range(1, 8)], dtype=np.float64)  # for a scale of 1


def fp4_block(x):
    """Decoded float32 values of one block."""
    a = np.max(np.abs(x)) if x.size else np.float32(0)
    if a == 0:
        return np.zeros_like(x)
    r = (np.abs(x) / a).astype(np.float32)                       # one float32 division per value
    dist = np.abs(r.astype(np.float64)[:, None] - MAGNITUDES[None, :])
    e = np.argmin(dist, axis=1)                                    # ties: the first, smaller, magnitude
    level = (a * MAGNITUDES[e].astype(np.float32)).astype(np.float32)  # a * 2^k in float32
    return np.where((e > 0) & (x < 0), -level, level).astype(np.float32)


def fp4(x, block):
    return np.concatenate([fp4_block(x[s:s + block]) for s in range(0, x.size, block)]) if x.size else x


def cases():
    g = np.random.default_rng(20250131)
    out = []
    # Pseudo-gradient-like values with rare outliers, default block: two nibble groups and a short third.
    x = (g.standard_normal(2 * 4096 + 77) * 1e-3).astype(np.float32)
    x[g.integers(0, x.size, 60)] *= 30
    out.append((64, x))
    # Exact ties: every midpoint between levels (and the levels themselves), both signs, absmax 1.
    mids = [2.0 ** -7] + [3 * 2.0 ** (k - 8) for k in range(1, 7)]
    t = np.array([1.0] + mids + [-m for m in mids] + list(MAGNITUDES[1:]) + list(-MAGNITUDES[1:]) + [2.0 ** -8, -2.0 ** -8, 0.0, -0.0],
                 dtype=np.float32)
    out.append((t.size + (t.size % 2), np.concatenate([t, np.zeros(t.size % 2, dtype=np.float32)])))
    # One ulp either side of each midpoint, absmax 1, block of 6.
    near = []
    for m in mids:
        m32 = np.float32(m)
        near += [1.0, np.nextafter(m32, np.float32(0)), np.nextafter(m32, np.float32(2)), -np.nextafter(m32, np.float32(2)), 0.5, 0.25]
    out.append((6, np.array(near, dtype=np.float32)))
    # Tiny and huge scales, an all-zero block, block of 2.
    tiny = (g.standard_normal(40) * 1e-40).astype(np.float32)
    huge = (g.standard_normal(40) * 1e37).astype(np.float32)
    out.append((2, np.concatenate([tiny, np.zeros(4, dtype=np.float32), huge])))
    # Skewed values, a block longer than the message.
    out.append((8192, (g.random(3001) * 3 - 0.5).astype(np.float32)))
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "fp4_reference.txt"), "w") as f:
        f.write("# fp4 (E3M0, absmax scale per block) reference (numpy %s): 'case block n' then n lines 'x_bits decoded_bits'\n"
                % np.__version__)
        for block, x in cases():
            d = fp4(x, block)
            f.write("case %d %d\n" % (block, x.size))
            for a, b in zip(x.view(np.uint32).tolist(), d.view(np.uint32).tolist()):
                f.write("%08x %08x\n" % (a, b))


if __name__ == "__main__":
    main()
