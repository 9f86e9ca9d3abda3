package org.diloco4j.core.params;

import java.util.Arrays;

/**
 * fp32 vector arithmetic on {@code float[]}, the inner loops of the outer step, aggregation and
 * merges. Everything here is memory-bandwidth bound (one or two flops per 8–12 bytes moved), so the
 * loops are plain indexed loops over whole arrays or one contiguous run: C2 turns them into SIMD
 * code (checked by the OuterStepBench figures in docs/bench/outer-step.md). Lengths are checked
 * once, up front, with a message naming the operation and the lengths; the loops then run without
 * further checks.
 *
 * <p>Products followed by a sum use {@link Math#fma} where PyTorch's CPU kernels do (its
 * {@code add(x, alpha)} is a fused multiply-add), so the outer optimizers reproduce PyTorch's
 * fp32 results exactly rather than to within a rounding. Reductions ({@link #dot}, {@link #norm2})
 * accumulate in double.
 */
public final class VectorOps {
    private VectorOps() {
    }

    /** {@code y ← y + a·x}, each element rounded once (fused multiply-add). */
    public static void axpy(float a, float[] x, float[] y) {
        requireSameLength("axpy", "x", x, "y", y);
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.fma(x[i], a, y[i]);
        }
    }

    /** {@code y[yOff + i] ← y[yOff + i] + a·x[xOff + i]} for {@code i < len}. */
    public static void axpy(float a, float[] x, int xOff, float[] y, int yOff, int len) {
        checkRange("axpy", "x", x, xOff, len);
        checkRange("axpy", "y", y, yOff, len);
        for (int i = 0; i < len; i++) {
            y[yOff + i] = Math.fma(x[xOff + i], a, y[yOff + i]);
        }
    }

    /** Weighted accumulate {@code acc ← acc + w·x}; the building block of weighted means. */
    public static void accumulate(float[] acc, float w, float[] x) {
        requireSameLength("accumulate", "acc", acc, "x", x);
        if (w == 1f) {
            for (int i = 0; i < acc.length; i++) {
                acc[i] += x[i];
            }
        } else {
            for (int i = 0; i < acc.length; i++) {
                acc[i] = Math.fma(x[i], w, acc[i]);
            }
        }
    }

    /** {@code x ← a·x}. */
    public static void scale(float a, float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= a;
        }
    }

    /** {@code out ← a·x}. */
    public static void scale(float a, float[] x, float[] out) {
        requireSameLength("scale", "x", x, "out", out);
        for (int i = 0; i < x.length; i++) {
            out[i] = a * x[i];
        }
    }

    /**
     * {@code x ← (1 − w)·x + w·y}: moves {@code x} a fraction {@code w} of the way to {@code y}
     * (PyTorch's {@code lerp} weight convention). Computed as two products so that {@code w = 1}
     * gives exactly {@code y} and {@code w = 0} leaves {@code x} untouched.
     */
    public static void lerp(float[] x, float[] y, float w) {
        requireSameLength("lerp", "x", x, "y", y);
        lerp(x, 0, y, 0, x.length, w);
    }

    /** {@link #lerp(float[], float[], float)} on {@code x[xOff, xOff + len)} toward {@code y[yOff, yOff + len)}. */
    public static void lerp(float[] x, int xOff, float[] y, int yOff, int len, float w) {
        checkRange("lerp", "x", x, xOff, len);
        checkRange("lerp", "y", y, yOff, len);
        if (!(w >= 0f && w <= 1f)) throw new IllegalArgumentException("lerp: weight must be in [0, 1], got " + w);
        if (w == 0f) return;
        if (w == 1f) {
            System.arraycopy(y, yOff, x, xOff, len);
            return;
        }
        float v = 1f - w;
        for (int i = 0; i < len; i++) {
            x[xOff + i] = Math.fma(y[yOff + i], w, v * x[xOff + i]);
        }
    }

    /** {@code out ← a − b}; {@code out} may be {@code a} or {@code b}. Pseudo-gradients are {@code sub(θ_old, θ_new, δ)}. */
    public static void sub(float[] a, float[] b, float[] out) {
        requireSameLength("sub", "a", a, "b", b);
        requireSameLength("sub", "a", a, "out", out);
        for (int i = 0; i < out.length; i++) {
            out[i] = a[i] - b[i];
        }
    }

    /** {@code out ← a + b}; {@code out} may be {@code a} or {@code b}. */
    public static void add(float[] a, float[] b, float[] out) {
        requireSameLength("add", "a", a, "b", b);
        requireSameLength("add", "a", a, "out", out);
        for (int i = 0; i < out.length; i++) {
            out[i] = a[i] + b[i];
        }
    }

    /** Σ a_i·b_i, products and sum in double (exact products, one rounding per addition). */
    public static double dot(float[] a, float[] b) {
        requireSameLength("dot", "a", a, "b", b);
        // Four partial sums break the loop-carried dependency so the adds pipeline; the order is
        // fixed, so the result is deterministic.
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int n = a.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += (double) a[i] * b[i];
            s1 += (double) a[i + 1] * b[i + 1];
            s2 += (double) a[i + 2] * b[i + 2];
            s3 += (double) a[i + 3] * b[i + 3];
        }
        for (; i < n; i++) {
            s0 += (double) a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** Euclidean norm ‖x‖₂, accumulated in double. */
    public static double norm2(float[] x) {
        return Math.sqrt(dot(x, x));
    }

    /**
     * Values per block of the push norm ({@link #blockedNorm2}): fixed by the layout, never by the
     * number of threads, so the norm is the same bits however many threads sum it.
     */
    public static final int NORM_BLOCK = 1 << 16;

    /**
     * The norm of a pseudo-gradient, summed by blocks so that threads can share it and still agree
     * bit for bit: Σ x_i² of each block of {@link #NORM_BLOCK} values ({@link #blockSquares}),
     * the block sums added in block order in double, then the square root. Not {@link #norm2}'s
     * order (four lanes strided over the whole vector), so it may differ from it in the last bits.
     */
    public static double blockedNorm2(float[] x) {
        double sum = 0;
        for (int from = 0; from < x.length; from += NORM_BLOCK) sum += blockSquares(x, from, Math.min(x.length, from + NORM_BLOCK));
        return Math.sqrt(sum);
    }

    /**
     * Σ x_i² over [from, to) in double, as one block of {@link #blockedNorm2}: four partial sums,
     * value from + j going to sum j mod 4 except the last (to − from) mod 4, which go to the first,
     * combined as (s0 + s1) + (s2 + s3). Non-finite exactly when a value is (squares of floats cannot
     * overflow a double, nor can 2^20 of them).
     */
    public static double blockSquares(float[] x, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = from;
        for (; i + 3 < to; i += 4) {
            s0 += (double) x[i] * x[i];
            s1 += (double) x[i + 1] * x[i + 1];
            s2 += (double) x[i + 2] * x[i + 2];
            s3 += (double) x[i + 3] * x[i + 3];
        }
        for (; i < to; i++) s0 += (double) x[i] * x[i];
        return (s0 + s1) + (s2 + s3);
    }

    /**
     * max |x_i| over [from, to): NaN if any value is NaN, +∞ if any is infinite — whether a range
     * is finite and how large it is, in one read pass.
     */
    public static float maxAbs(float[] x, int from, int to) {
        // Math.max on floats is NaN when either side is, and C2 vectorizes this reduction (vmaxps with its
        // NaN fix-ups). It does not vectorize an integer max over the values' bits (the bits' move from a
        // float lane): four running maxima of those ran at ~1 cycle per value, a fifth of the fused int8
        // apply's samples (docs/bench/ingest.md, 2026-12-05). |−0| is +0, so an all-zero range gives +0.
        float m = 0f;
        for (int i = from; i < to; i++) m = Math.max(m, Math.abs(x[i]));
        return m;
    }

    /**
     * The bits of {@link #maxAbs} with the sign bit cleared: their integer order is the order of
     * |x| (finite &lt; ∞ &lt; NaN), so maxima of several runs are an integer max. Cleared because
     * {@code Math.max} does not promise which NaN it returns, and a NaN with its sign bit set would be
     * a negative int, lost to any finite maximum.
     */
    public static int maxAbsBits(float[] x, int from, int to) {
        return Float.floatToRawIntBits(maxAbs(x, from, to)) & 0x7fffffff;
    }

    /** {@code dst ← src}. */
    public static void copy(float[] src, float[] dst) {
        requireSameLength("copy", "src", src, "dst", dst);
        System.arraycopy(src, 0, dst, 0, src.length);
    }

    /** {@code x ← 0}. */
    public static void zero(float[] x) {
        Arrays.fill(x, 0f);
    }

    /** Number of NaN or infinite elements: a diverged worker's pseudo-gradient must not reach θ. */
    public static int countNonFinite(float[] x) {
        int bad = 0;
        for (float v : x) {
            // v − v is 0 for finite v and NaN for ±Inf and NaN.
            if (v - v != 0f) bad++;
        }
        return bad;
    }

    /** Throws unless {@code a} and {@code b} have the same length; names both in the message. */
    public static void requireSameLength(String op, String aName, float[] a, String bName, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException(op + ": " + aName + " has length " + a.length + " but " + bName
                    + " has length " + b.length + " (they must be equal)");
        }
    }

    /** Throws unless {@code x} has length {@code expected}. */
    public static void requireLength(String op, String name, float[] x, int expected) {
        if (x.length != expected) {
            throw new IllegalArgumentException(op + ": " + name + " has length " + x.length + ", expected " + expected);
        }
    }

    private static void checkRange(String op, String name, float[] x, int off, int len) {
        if (off < 0 || len < 0 || (long) off + len > x.length) {
            throw new IllegalArgumentException(op + ": range [" + off + ", " + ((long) off + len) + ") of " + name
                    + " is outside its length " + x.length);
        }
    }
}
