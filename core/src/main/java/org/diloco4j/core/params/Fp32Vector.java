package org.diloco4j.core.params;

import java.util.ArrayList;
import java.util.List;

/**
 * A flat fp32 vector of any {@code long} length, held as {@code float[]} chunks: chunk i holds the
 * values {@code [i << shift, min(size, (i + 1) << shift))}. The coordinator's θ lives here, so a
 * model past 2^31 − 9 values can be held at all (docs/design/PARAMETERS.md, stage 2: chunks cost
 * what one array costs, an off-heap segment 1.1–1.6×). The kernels ({@code StepKernel},
 * {@link VectorOps}, the codecs) stay on {@code float[]} with int offsets: a caller cuts a
 * {@link Range} into {@link Piece}s with {@link #pieces}, each inside one chunk, and runs the kernel
 * on each piece. That cut is the only place a long address becomes (chunk, int offset).
 *
 * <p>{@link #DEFAULT_SHIFT} (2^26 values, 256 MiB) is a multiple of every codec block and of the
 * norm block (2^16), so those never straddle two chunks. Tests pick a small shift so chunk
 * boundaries fall inside small vectors. {@link #wrap} adapts one existing array (a worker's model
 * copy, a coordinator built from a {@code float[]}): one chunk, the array itself, no copy.
 */
public final class Fp32Vector {
    /** Chunks of 2^26 values: measured as fast as one array (docs/bench/param-storage.md). */
    public static final int DEFAULT_SHIFT = 26;
    /** The shift of a vector {@link #wrap}ping one array: every index below 2^31 is in chunk 0. */
    public static final int ONE_ARRAY_SHIFT = 31;

    private final long size;
    private final int shift;
    private final float[][] chunks;

    private Fp32Vector(long size, int shift, float[][] chunks) {
        this.size = size;
        this.shift = shift;
        this.chunks = chunks;
    }

    /** Zeros, in chunks of 2^{@link #DEFAULT_SHIFT}. */
    public static Fp32Vector zeros(long size) {
        return zeros(size, DEFAULT_SHIFT);
    }

    /** Zeros, in chunks of 2^{@code shift} values (1 ≤ shift ≤ {@link #DEFAULT_SHIFT}). */
    public static Fp32Vector zeros(long size, int shift) {
        checkShift(shift);
        if (size < 0) throw new IllegalArgumentException("an fp32 vector has a negative size " + size);
        float[][] c = new float[chunkCount(size, shift)][];
        for (int i = 0; i < c.length; i++) c[i] = new float[chunkLength(size, shift, i)];
        return new Fp32Vector(size, shift, c);
    }

    /** {@code a} itself as a one-chunk vector (not copied: writes to either show in both). */
    public static Fp32Vector wrap(float[] a) {
        return new Fp32Vector(a.length, ONE_ARRAY_SHIFT, new float[][] {a});
    }

    /** A copy of {@code a} in chunks of 2^{@code shift} values. */
    public static Fp32Vector copyOf(float[] a, int shift) {
        Fp32Vector v = zeros(a.length, shift);
        v.copyFrom(a);
        return v;
    }

    /**
     * A vector over {@code chunks}, which must have the lengths {@link #zeros}{@code (size, shift)}
     * gives (full chunks of 2^shift, the last the rest): e.g. chunks read from a file. Not copied.
     */
    public static Fp32Vector of(long size, int shift, float[][] chunks) {
        checkShift(shift);
        if (chunks.length != chunkCount(size, shift)) {
            throw new IllegalArgumentException(chunks.length + " chunks for " + size + " values in chunks of 2^" + shift + ", expected " + chunkCount(size, shift));
        }
        for (int i = 0; i < chunks.length; i++) {
            if (chunks[i].length != chunkLength(size, shift, i)) {
                throw new IllegalArgumentException("chunk " + i + " has " + chunks[i].length + " values, expected " + chunkLength(size, shift, i));
            }
        }
        return new Fp32Vector(size, shift, chunks.clone());
    }

    private static void checkShift(int shift) {
        if (shift < 1 || shift > DEFAULT_SHIFT) {
            throw new IllegalArgumentException("chunk shift " + shift + " is outside [1, " + DEFAULT_SHIFT + "] (chunks of 2 to 2^26 values)");
        }
    }

    /** Chunks of 2^{@code shift} values that {@code size} values take. */
    public static int chunkCount(long size, int shift) {
        long n = size == 0 ? 0 : ((size - 1) >>> shift) + 1;
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(size + " values need more than 2^31 chunks of 2^" + shift);
        return (int) n;
    }

    /** Length of chunk {@code i} of a vector of {@code size} values in chunks of 2^{@code shift}. */
    public static int chunkLength(long size, int shift, int i) {
        long start = (long) i << shift;
        return (int) Math.min(1L << shift, size - start);
    }

    public long size() {
        return size;
    }

    /** This vector, if it has {@code expected} values; else one line naming the operation, as {@link VectorOps#requireLength}. */
    public Fp32Vector requireSize(String op, String name, long expected) {
        if (size != expected) throw new IllegalArgumentException(op + ": " + name + " has length " + size + ", expected " + expected);
        return this;
    }

    public int shift() {
        return shift;
    }

    public int chunkCount() {
        return chunks.length;
    }

    /** Chunk {@code i} itself (a live view). */
    public float[] chunk(int i) {
        return chunks[i];
    }

    /** Where chunk {@code i} starts in the vector. */
    public long chunkStart(int i) {
        return (long) i << shift;
    }

    public float get(long i) {
        check(i);
        return chunks[(int) (i >>> shift)][offset(i)];
    }

    public void set(long i, float v) {
        check(i);
        chunks[(int) (i >>> shift)][offset(i)] = v;
    }

    private int offset(long i) {
        return (int) (i & ((1L << shift) - 1));
    }

    private void check(long i) {
        if (i < 0 || i >= size) throw new IndexOutOfBoundsException("index " + i + " of an fp32 vector of " + size);
    }

    /** One run of a {@link Range} inside one chunk: {@code length} values from {@code chunk(chunk)[offset]}. */
    public record Piece(int chunk, int offset, int length) {
    }

    /** {@code r} cut at this vector's chunk boundaries, in order. */
    public List<Piece> pieces(Range r) {
        if (r.end() > size) throw new IndexOutOfBoundsException("range " + r + " is past the end of an fp32 vector of " + size);
        return pieces(r, shift);
    }

    /**
     * {@code r} cut at the boundaries of chunks of 2^{@code shift} values, in order: the one cut from
     * a long address to (chunk, int offset), for any vector size (also past 2^31, tested without
     * allocating). The pieces' lengths add up to {@code r.length()}.
     */
    public static List<Piece> pieces(Range r, int shift) {
        List<Piece> out = new ArrayList<>();
        long mask = (1L << shift) - 1;
        for (long at = r.start(), end = r.end(); at < end; ) {
            long chunkEnd = (at | mask) + 1;
            long stop = Math.min(end, chunkEnd);
            out.add(new Piece(Math.toIntExact(at >>> shift), (int) (at & mask), (int) (stop - at)));
            at = stop;
        }
        return out;
    }

    /** The one array a {@link #wrap}ped (or one-chunk) vector is; for the paths that still take one {@code float[]}. */
    public float[] array() {
        if (chunks.length == 1 && chunks[0].length == size) return chunks[0];
        if (size == 0) return new float[0];
        throw new IllegalStateException("an fp32 vector of " + size + " values in " + chunks.length
                + " chunks is not one float[]; this path needs a vector held in one array (at most 2^31 - 9 values)");
    }

    /** Overwrites every value with {@code a}'s (same length). */
    public void copyFrom(float[] a) {
        copyFrom(wrap(a));
    }

    /** Overwrites every value with {@code src}'s (same length, chunked alike or not), chunk by chunk. */
    public void copyFrom(Fp32Vector src) {
        if (src.size != size) throw new IllegalArgumentException("copying " + src.size + " values into an fp32 vector of " + size);
        for (int c = 0; c < src.chunkCount(); c++) {
            float[] from = src.chunk(c);
            int at = 0;
            for (Piece p : pieces(new Range(src.chunkStart(c), from.length))) {
                System.arraycopy(from, at, chunks[p.chunk()], p.offset(), p.length());
                at += p.length();
            }
        }
    }

    /** Copies values {@code [from, from + len)} into {@code dst[off, off + len)}, piece by piece. */
    public void get(long from, float[] dst, int off, int len) {
        for (Piece p : pieces(new Range(from, len))) {
            System.arraycopy(chunks[p.chunk()], p.offset(), dst, off, p.length());
            off += p.length();
        }
    }

    /** A copy in one new array ({@link Fp32Storage}: at most 2^31 − 9 values). */
    public float[] toArray() {
        float[] a = new float[Fp32Storage.length(size, "an fp32 vector copied into one array")];
        wrap(a).copyFrom(this);
        return a;
    }

    /** Zeros in this vector's form: one array if it is one ({@link #wrap}), else chunks of its shift. */
    public Fp32Vector zerosLike() {
        return shift == ONE_ARRAY_SHIFT ? wrap(new float[Fp32Storage.length(size, "an fp32 vector in one array")]) : zeros(size, shift);
    }

    /** A copy in new chunks of the same form. */
    public Fp32Vector copy() {
        Fp32Vector v = zerosLike();
        v.copyFrom(this);
        return v;
    }
}
