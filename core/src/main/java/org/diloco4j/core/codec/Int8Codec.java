package org.diloco4j.core.codec;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * 8-bit quantization with a lookup table, as in INTELLECT-1. Per chunk of {@code chunk} values
 * (the last one may be shorter), with m the chunk's length:
 * <pre>
 *   σ     = ‖x‖ / √(m − 1)            (m − 1 replaced by 1 when m = 1)
 *   scale = 6σ / 256                   (the 256 bins span ±3σ)
 *   q     = clamp(round(x / scale) + 128, 0, 255)     ties round up
 *   table[b] = mean of the x with q = b   (the bin centre (b − 128)·scale for empty bins)
 *   decode  = table[q]
 * </pre>
 * Using bin means rather than centres keeps each chunk's sum exact up to fp32 rounding and the
 * error of the unclipped bins below one scale step. An all-zero chunk has σ = 0 and decodes to
 * zeros; a single-value chunk decodes exactly. Values beyond about ±3σ share the two end bins and
 * decode to their mean (INTELLECT-1 accepts this clipping of outliers).
 *
 * <p>Layout: {@code header | chunk int32 | per chunk: table 256 × fp32, then m codes of 1 byte}.
 * The codes of a chunk of m values, with g = ⌊m/4⌋, start with g little-endian 32-bit words, word
 * j holding the codes of values j, j + g, j + 2g, j + 3g in its bytes 0 to 3; the last m − 4g codes
 * (0 to 3) follow one byte each. Interleaving quarters, rather than neighbours, keeps every loop on
 * contiguous 32-bit lanes, which the JIT vectorizes (it does not vectorize narrowing byte stores),
 * and gives the binning pass four independent streams.
 */
public record Int8Codec(int chunk) implements Codec {
    public static final int DEFAULT_CHUNK = 1 << 16;
    /** A chunk carries a 1024-byte table; shorter chunks would cost more than fp32. */
    public static final int MIN_CHUNK = 256;
    public static final int MAX_CHUNK = 1 << 30;
    private static final int BINS = 256;
    private static final int TABLE_BYTES = 4 * BINS;
    private static final int PARAMS_END = Wire.HEADER + 4;

    public Int8Codec {
        if (chunk < MIN_CHUNK || chunk > MAX_CHUNK) {
            throw new IllegalArgumentException("chunk must be an integer in [" + MIN_CHUNK + ", " + MAX_CHUNK
                    + "] (each chunk carries a " + TABLE_BYTES + "-byte table), got " + chunk);
        }
    }

    public Int8Codec() {
        this(DEFAULT_CHUNK);
    }

    @Override
    public String name() {
        return CodecKind.INT8.configName();
    }

    @Override
    public String spec() {
        return name() + ":chunk=" + chunk;
    }

    private long chunks(long len) {
        return (len + (long) chunk - 1) / chunk;
    }

    @Override
    public long encodedSize(long len) {
        Wire.checkLen(len);
        return PARAMS_END + chunks(len) * TABLE_BYTES + len;
    }

    @Override
    public byte[] encode(float[] values, int off, int len) {
        Objects.checkFromIndexSize(off, len, values.length);
        byte[] out = Wire.start(this, CodecKind.INT8, encodedSize(len), len);
        Wire.INT.set(out, Wire.HEADER, chunk);
        var scratch = new Scratch(Math.min(chunk, len));
        int p = PARAMS_END;
        for (long s = 0; s < len; s += chunk) { // long: s + chunk may pass Integer.MAX_VALUE
            int m = (int) Math.min(chunk, len - s);
            if (!encodeChunk(values, off + (int) s, m, out, p, scratch)) throw Wire.nonFinite(this, values, off, len);
            p += TABLE_BYTES + m;
        }
        return out;
    }

    /** Per-call buffers: the codec itself stays stateless and thread-safe. */
    private static final class Scratch {
        // One accumulator per code lane of a word: the four lanes are independent streams, so an
        // add never waits on the store of the previous value of the same bin in another lane.
        final double[] sums = new double[4 * BINS];
        final int[] counts = new int[4 * BINS];
        final float[] table = new float[BINS];
        final int[] words;
        /** The four quarters of a chunk, copied apart: the JIT vectorizes q0[j] … q3[j] but not v[j + k·g] of one array. */
        final float[] q0, q1, q2, q3;

        Scratch(int chunk) {
            int g = chunk / 4;
            words = new int[g];
            q0 = new float[g];
            q1 = new float[g];
            q2 = new float[g];
            q3 = new float[g];
        }
    }

    /** Encodes one chunk: table at {@code p}, codes right after. False if the chunk holds NaN or infinity. */
    private static boolean encodeChunk(float[] v, int o, int m, byte[] out, int p, Scratch s) {
        double sumSq = sumOfSquares(v, o, m);
        if (!Double.isFinite(sumSq)) return false; // squares of finite floats cannot overflow a double
        double sigma = Math.sqrt(sumSq / Math.max(m - 1, 1));
        double scale = 6 * sigma / BINS;
        float inv = (float) (1 / scale);
        int q = p + TABLE_BYTES;
        int g = m >>> 2;
        int[] w = s.words;
        float[] q0 = s.q0, q1 = s.q1, q2 = s.q2, q3 = s.q3;
        System.arraycopy(v, o, q0, 0, g);
        System.arraycopy(v, o + g, q1, 0, g);
        System.arraycopy(v, o + 2 * g, q2, 0, g);
        System.arraycopy(v, o + 3 * g, q3, 0, g);
        if (sigma == 0) {
            Arrays.fill(w, 0, g, 0x80808080);
            for (int i = 4 * g; i < m; i++) out[q + i] = (byte) 128;
        } else if (Float.isInfinite(inv)) {
            double invD = 1 / scale;
            for (int j = 0; j < g; j++) {
                w[j] = codeTiny(q0[j], invD) | codeTiny(q1[j], invD) << 8 | codeTiny(q2[j], invD) << 16 | codeTiny(q3[j], invD) << 24;
            }
            for (int i = 4 * g; i < m; i++) out[q + i] = (byte) codeTiny(v[o + i], invD);
        } else {
            for (int j = 0; j < g; j++) w[j] = code(q0[j], inv) | code(q1[j], inv) << 8 | code(q2[j], inv) << 16 | code(q3[j], inv) << 24;
            for (int i = 4 * g; i < m; i++) out[q + i] = (byte) code(v[o + i], inv);
        }
        Wire.ints(out, q, g).put(w, 0, g);
        binMeans(v, o, m, out, q, scale, s);
        Wire.floats(out, p, BINS).put(s.table);
        return true;
    }

    /** clamp(round(x·inv) + 128, 0, 255): truncating x·inv + 128.5 floors it; branch-free so the word loop vectorizes. */
    private static int code(float x, float inv) {
        return Math.max(0, Math.min(255, (int) (x * inv + 128.5f)));
    }

    /** Same in double, for σ so small (≲ 1e-37) that 1/scale overflows a float. */
    private static int codeTiny(float x, double inv) {
        return Math.max(0, Math.min(255, (int) (x * inv + 128.5)));
    }

    /** Σx² in double; eight independent fused accumulators keep the loop from waiting on one add chain. */
    private static double sumOfSquares(float[] v, int o, int m) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = 0;
        for (; i + 8 <= m; i += 8) {
            double a = v[o + i], b = v[o + i + 1], c = v[o + i + 2], d = v[o + i + 3];
            double e = v[o + i + 4], f = v[o + i + 5], g = v[o + i + 6], h = v[o + i + 7];
            s0 = Math.fma(a, a, s0);
            s1 = Math.fma(b, b, s1);
            s2 = Math.fma(c, c, s2);
            s3 = Math.fma(d, d, s3);
            s4 = Math.fma(e, e, s4);
            s5 = Math.fma(f, f, s5);
            s6 = Math.fma(g, g, s6);
            s7 = Math.fma(h, h, s7);
        }
        for (; i < m; i++) {
            double a = v[o + i];
            s0 = Math.fma(a, a, s0);
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** One pass over the codes (words in scratch, tail bytes in the message): per-bin sums and counts, then the table of means. */
    private static void binMeans(float[] v, int o, int m, byte[] out, int q, double scale, Scratch s) {
        double[] sums = s.sums;
        int[] counts = s.counts;
        Arrays.fill(sums, 0);
        Arrays.fill(counts, 0);
        int g = m >>> 2;
        int[] w = s.words;
        // From the quarter copies, not v: a chunk and its copies together would overflow a 512 KB L2.
        float[] q0 = s.q0, q1 = s.q1, q2 = s.q2, q3 = s.q3;
        for (int j = 0; j < g; j++) {
            int x = w[j];
            int b0 = x & 0xFF;
            int b1 = ((x >>> 8) & 0xFF) | BINS;
            int b2 = ((x >>> 16) & 0xFF) | 2 * BINS;
            int b3 = (x >>> 24) | 3 * BINS;
            sums[b0] += q0[j];
            counts[b0]++;
            sums[b1] += q1[j];
            counts[b1]++;
            sums[b2] += q2[j];
            counts[b2]++;
            sums[b3] += q3[j];
            counts[b3]++;
        }
        for (int i = 4 * g; i < m; i++) {
            int b = out[q + i] & 0xFF;
            sums[b] += v[o + i];
            counts[b]++;
        }
        for (int b = 0; b < BINS; b++) {
            int c = counts[b] + counts[b + BINS] + counts[b + 2 * BINS] + counts[b + 3 * BINS];
            double sum = (sums[b] + sums[b + BINS]) + (sums[b + 2 * BINS] + sums[b + 3 * BINS]);
            s.table[b] = c > 0 ? (float) (sum / c) : (float) ((b - 128) * scale);
        }
    }

    @Override
    public void decode(byte[] encoded, float[] out, int off, int len) {
        Objects.checkFromIndexSize(off, len, out.length);
        checkMessage(encoded, len);
        float[] table = new float[BINS];
        int[] w = new int[Math.min(chunk, len) / 4];
        int p = PARAMS_END;
        for (long s = 0; s < len; s += chunk) {
            int m = (int) Math.min(chunk, len - s);
            Wire.floats(encoded, p, BINS).get(table);
            decodeCodes(encoded, p + TABLE_BYTES, m, out, off + (int) s, table, w);
            p += TABLE_BYTES + m;
        }
    }

    /** Decodes the {@code m} codes at {@code encoded[q]} through {@code table} into {@code out[o, o + m)}; {@code w} holds ⌊m/4⌋ ints. */
    private static void decodeCodes(byte[] encoded, int q, int m, float[] out, int o, float[] table, int[] w) {
        int g = m >>> 2;
        Wire.ints(encoded, q, g).get(w, 0, g);
        for (int j = 0; j < g; j++) {
            int x = w[j];
            out[o + j] = table[x & 0xFF];
            out[o + j + g] = table[(x >>> 8) & 0xFF];
            out[o + j + 2 * g] = table[(x >>> 16) & 0xFF];
            out[o + j + 3 * g] = table[x >>> 24];
        }
        for (int i = 4 * g; i < m; i++) out[o + i] = table[encoded[q + i] & 0xFF];
    }

    /** Value j + k·g of a chunk (g = ⌊m/4⌋, k &lt; 4) has byte 4j + k of the codes: a quarter's codes are every fourth byte; the last m − 4g follow one by one. */
    private static TableBlocks.CodeRun codeRun(int m, int v) {
        int g = m >>> 2;
        if (v >= 4 * g) return new TableBlocks.CodeRun(TABLE_BYTES + v, 1, m);
        int k = v / g;
        return new TableBlocks.CodeRun(TABLE_BYTES + k + 4 * (v - k * g), 4, (k + 1) * g);
    }

    /** Chunks are self-contained (table, then codes): each is a block, when small enough to be decoded in a thread's scratch. */
    @Override
    public BlockDecoder blocks() {
        return chunk <= BlockDecoder.MAX_BLOCK_VALUES ? new Blocks() : null;
    }

    private final class Blocks implements TableBlocks {
        /** Per thread: a table and the code words of one chunk, so decoding a block allocates nothing large. */
        private final ThreadLocal<int[]> words = ThreadLocal.withInitial(() -> new int[chunk / 4]);
        private final ThreadLocal<float[]> tables = ThreadLocal.withInitial(() -> new float[BINS]);

        @Override
        public int headerBytes() {
            return PARAMS_END;
        }

        @Override
        public void checkHeader(byte[] header, int len) {
            checkParams(header, len);
        }

        @Override
        public int blockValues() {
            return chunk;
        }

        @Override
        public long blockOffset(int b) {
            return PARAMS_END + (long) b * (TABLE_BYTES + chunk);
        }

        @Override
        public int blockBytes(int m) {
            return TABLE_BYTES + m;
        }

        /**
         * Unlike {@link Int8Codec#decode}, a non-finite table entry is not refused here: it decodes to
         * the values of its code, if any, which the ingest's scan names as non-finite values; an entry
         * no value uses changes nothing and is let through.
         */
        @Override
        public void decodeBlock(int b, byte[] bytes, int off, int m, float[] out, int outOff) {
            decodeBlock(b, bytes, off, m, out, outOff, 1f, false);
        }

        /** Scaling the table scales every value: each is a table entry, rounded once as {@code entry · factor}. */
        @Override
        public void decodeBlock(int b, byte[] bytes, int off, int m, float[] out, int outOff, float factor) {
            decodeBlock(b, bytes, off, m, out, outOff, factor, true);
        }

        private void decodeBlock(int b, byte[] bytes, int off, int m, float[] out, int outOff, float factor, boolean scale) {
            Objects.checkFromIndexSize(outOff, m, out.length);
            float[] t = tables.get();
            table(b, bytes, off, m, factor, scale, t);
            decodeCodes(bytes, off + TABLE_BYTES, m, out, outOff, t, words.get());
        }

        @Override
        public void table(int b, byte[] bytes, int off, int m, float factor, boolean scale, float[] table) {
            Objects.checkFromIndexSize(off, TABLE_BYTES + m, bytes.length);
            Wire.floats(bytes, off, BINS).get(table, 0, BINS);
            if (scale) for (int k = 0; k < BINS; k++) table[k] *= factor;
        }

        @Override
        public CodeRun run(int m, int v) {
            Objects.checkIndex(v, m);
            return codeRun(m, v);
        }

        @Override
        public void histogram(int b, byte[] bytes, int off, int m, int[] counts, int cOff, float[] table, int tOff) {
            Objects.checkFromIndexSize(off, TABLE_BYTES + m, bytes.length);
            Objects.checkFromIndexSize(cOff, BINS, counts.length);
            Wire.floats(bytes, off, BINS).get(table, tOff, BINS);
            Arrays.fill(counts, cOff, cOff + BINS, 0);
            CodeCounts.add(ByteBuffer.wrap(bytes), off + TABLE_BYTES, off + TABLE_BYTES + m, counts, cOff);
        }

        /** The same codec's blocks (the same chunk) have the same layout: what one counted, the other can use. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Blocks other && other.codec().equals(Int8Codec.this);
        }

        @Override
        public int hashCode() {
            return Int8Codec.this.hashCode();
        }

        private Int8Codec codec() {
            return Int8Codec.this;
        }
    }

    private void checkParams(byte[] encoded, int len) {
        Wire.checkHeader(encoded, this, CodecKind.INT8, len, PARAMS_END);
        int c = (int) Wire.INT.get(encoded, Wire.HEADER);
        if (c != chunk) throw new CodecException(spec() + ": message has chunk " + c + ", expected " + chunk);
    }

    /** Every entry of chunk {@code ci}'s table, at {@code encoded[p]}, is finite. */
    private void checkTable(byte[] encoded, int p, long ci) {
        for (int b = 0; b < BINS; b++) {
            float t = (float) Wire.FLOAT.get(encoded, p + 4 * b);
            if (!Float.isFinite(t)) {
                throw new CodecException(spec() + ": table entry " + b + " of chunk " + ci + " is " + t);
            }
        }
    }

    /** Header, parameters, size and every table entry, before anything is written. */
    private void checkMessage(byte[] encoded, int len) {
        checkParams(encoded, len);
        Wire.checkSize(encoded, this, encodedSize(len), len);
        int p = PARAMS_END;
        for (long ci = 0, n = chunks(len); ci < n; ci++) {
            checkTable(encoded, p, ci);
            p += TABLE_BYTES + (int) Math.min(chunk, len - ci * chunk);
        }
    }

    @Override
    public String toString() {
        return spec();
    }
}
