package org.diloco4j.bench.ingest;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diloco4j.core.codec.Codecs;

/**
 * Variants of the code-counting loop over one int8 push cut into 16 KiB read-only direct buffers (as
 * gRPC hands them over), one variant per JVM (C2 compiles the loop for what it has seen), this thread's
 * CPU time per pass, median and min of REPS passes after three warm-up passes; every pass's counts
 * checked against a byte-by-byte count. Variants: {@code four} (CodeCounts.add's loop: four lanes, one
 * big-endian 8-byte load per trip), {@code four16} (two loads per trip), {@code eight16} / {@code eight32}
 * (eight lanes, 16 / 32 bytes per trip), {@code vh} (little-endian ByteBuffer view VarHandle loads),
 * {@code le} (a little-endian duplicate's getLong), {@code seg} (MemorySegment loads).
 *
 * <p>What it showed and what it did not (docs/bench/histogram.md, 2026-12-05): here {@code eight16}, {@code vh},
 * {@code le} and {@code seg} were 15–20 % faster than {@code four} in every JVM, but neither eight lanes (in
 * HistogramAB's arrival mode) nor the little-endian loads (in the coordinator, 100M push-only A/B) were
 * faster in place; neither was kept.
 *
 * <p>Run: {@code for v in four vh; do java -Xmx3g -cp bench/target/classes:$(cat bench/target/classpath.txt)
 * org.diloco4j.bench.ingest.CountingLoadsAB 50000000 9 $v; done}.
 */
public final class CountingLoadsAB {
    private CountingLoadsAB() {
    }

    static final int BINS = 256;
    static void four(ByteBuffer codes, int from, int to, int[] counts) {
        int[] c = new int[4 * BINS];
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = codes.getLong(i);
            int lo = (int) x; int hi = (int) (x >>> 32);
            c[lo & 0xFF]++; c[BINS + ((lo >>> 8) & 0xFF)]++; c[2 * BINS + ((lo >>> 16) & 0xFF)]++; c[3 * BINS + (lo >>> 24)]++;
            c[hi & 0xFF]++; c[BINS + ((hi >>> 8) & 0xFF)]++; c[2 * BINS + ((hi >>> 16) & 0xFF)]++; c[3 * BINS + (hi >>> 24)]++;
        }
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }
    static void eight(ByteBuffer codes, int from, int to, int[] counts) {
        int[] c = new int[8 * BINS];
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = codes.getLong(i);
            int lo = (int) x; int hi = (int) (x >>> 32);
            c[lo & 0xFF]++; c[BINS + ((lo >>> 8) & 0xFF)]++; c[2 * BINS + ((lo >>> 16) & 0xFF)]++; c[3 * BINS + (lo >>> 24)]++;
            c[4 * BINS + (hi & 0xFF)]++; c[5 * BINS + ((hi >>> 8) & 0xFF)]++; c[6 * BINS + ((hi >>> 16) & 0xFF)]++; c[7 * BINS + (hi >>> 24)]++;
        }
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k]
                + c[4 * BINS + k] + c[5 * BINS + k] + c[6 * BINS + k] + c[7 * BINS + k];
    }
    // 16 bytes per iteration, 8 lanes: two longs
    static void eight16(ByteBuffer codes, int from, int to, int[] counts) {
        int[] c = new int[8 * BINS];
        int i = from;
        for (; i <= to - 16; i += 16) {
            long x = codes.getLong(i), y = codes.getLong(i + 8);
            int a = (int) x, b = (int) (x >>> 32), d = (int) y, e = (int) (y >>> 32);
            c[a & 0xFF]++; c[BINS + ((a >>> 8) & 0xFF)]++; c[2 * BINS + ((a >>> 16) & 0xFF)]++; c[3 * BINS + (a >>> 24)]++;
            c[4 * BINS + (b & 0xFF)]++; c[5 * BINS + ((b >>> 8) & 0xFF)]++; c[6 * BINS + ((b >>> 16) & 0xFF)]++; c[7 * BINS + (b >>> 24)]++;
            c[d & 0xFF]++; c[BINS + ((d >>> 8) & 0xFF)]++; c[2 * BINS + ((d >>> 16) & 0xFF)]++; c[3 * BINS + (d >>> 24)]++;
            c[4 * BINS + (e & 0xFF)]++; c[5 * BINS + ((e >>> 8) & 0xFF)]++; c[6 * BINS + ((e >>> 16) & 0xFF)]++; c[7 * BINS + (e >>> 24)]++;
        }
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k]
                + c[4 * BINS + k] + c[5 * BINS + k] + c[6 * BINS + k] + c[7 * BINS + k];
    }
    static void four16(ByteBuffer codes, int from, int to, int[] counts) {
        int[] c = new int[4 * BINS];
        int i = from;
        for (; i <= to - 16; i += 16) {
            long x = codes.getLong(i), y = codes.getLong(i + 8);
            int a = (int) x, b = (int) (x >>> 32), d = (int) y, e = (int) (y >>> 32);
            c[a & 0xFF]++; c[BINS + ((a >>> 8) & 0xFF)]++; c[2 * BINS + ((a >>> 16) & 0xFF)]++; c[3 * BINS + (a >>> 24)]++;
            c[b & 0xFF]++; c[BINS + ((b >>> 8) & 0xFF)]++; c[2 * BINS + ((b >>> 16) & 0xFF)]++; c[3 * BINS + (b >>> 24)]++;
            c[d & 0xFF]++; c[BINS + ((d >>> 8) & 0xFF)]++; c[2 * BINS + ((d >>> 16) & 0xFF)]++; c[3 * BINS + (d >>> 24)]++;
            c[e & 0xFF]++; c[BINS + ((e >>> 8) & 0xFF)]++; c[2 * BINS + ((e >>> 16) & 0xFF)]++; c[3 * BINS + (e >>> 24)]++;
        }
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }
    static void eight32(ByteBuffer codes, int from, int to, int[] counts) {
        int[] c = new int[8 * BINS];
        int i = from;
        for (; i <= to - 32; i += 32) {
            for (int q = 0; q < 32; q += 8) {
                long x = codes.getLong(i + q);
                int a = (int) x, b = (int) (x >>> 32);
                c[a & 0xFF]++; c[BINS + ((a >>> 8) & 0xFF)]++; c[2 * BINS + ((a >>> 16) & 0xFF)]++; c[3 * BINS + (a >>> 24)]++;
                c[4 * BINS + (b & 0xFF)]++; c[5 * BINS + ((b >>> 8) & 0xFF)]++; c[6 * BINS + ((b >>> 16) & 0xFF)]++; c[7 * BINS + (b >>> 24)]++;
            }
        }
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k]
                + c[4 * BINS + k] + c[5 * BINS + k] + c[6 * BINS + k] + c[7 * BINS + k];
    }
    static final java.lang.foreign.ValueLayout.OfLong LL = java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
    static void seg(ByteBuffer codes, int from, int to, int[] counts) {
        java.lang.foreign.MemorySegment m = java.lang.foreign.MemorySegment.ofBuffer(codes.duplicate().clear());
        int[] c = new int[4 * BINS];
        long i = from;
        long end = to - 8;
        for (; i <= end; i += 8) {
            long x = m.get(LL, i);
            int lo = (int) x; int hi = (int) (x >>> 32);
            c[lo & 0xFF]++; c[BINS + ((lo >>> 8) & 0xFF)]++; c[2 * BINS + ((lo >>> 16) & 0xFF)]++; c[3 * BINS + (lo >>> 24)]++;
            c[hi & 0xFF]++; c[BINS + ((hi >>> 8) & 0xFF)]++; c[2 * BINS + ((hi >>> 16) & 0xFF)]++; c[3 * BINS + (hi >>> 24)]++;
        }
        for (int j = (int) i; j < to; j++) c[codes.get(j) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }
    static final java.lang.invoke.VarHandle BBL = java.lang.invoke.MethodHandles.byteBufferViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    static void vh(ByteBuffer codes, int from, int to, int[] counts) {
        int[] c = new int[4 * BINS];
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = (long) BBL.get(codes, i);
            int lo = (int) x; int hi = (int) (x >>> 32);
            c[lo & 0xFF]++; c[BINS + ((lo >>> 8) & 0xFF)]++; c[2 * BINS + ((lo >>> 16) & 0xFF)]++; c[3 * BINS + (lo >>> 24)]++;
            c[hi & 0xFF]++; c[BINS + ((hi >>> 8) & 0xFF)]++; c[2 * BINS + ((hi >>> 16) & 0xFF)]++; c[3 * BINS + (hi >>> 24)]++;
        }
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }
    static void le(ByteBuffer codes, int from, int to, int[] counts) {
        ByteBuffer b = codes.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int[] c = new int[4 * BINS];
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = b.getLong(i);
            int lo = (int) x; int hi = (int) (x >>> 32);
            c[lo & 0xFF]++; c[BINS + ((lo >>> 8) & 0xFF)]++; c[2 * BINS + ((lo >>> 16) & 0xFF)]++; c[3 * BINS + (lo >>> 24)]++;
            c[hi & 0xFF]++; c[BINS + ((hi >>> 8) & 0xFF)]++; c[2 * BINS + ((hi >>> 16) & 0xFF)]++; c[3 * BINS + (hi >>> 24)]++;
        }
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }
    interface L { void run(ByteBuffer b, int f, int t, int[] c); }
    public static void main(String[] a) {
        int n = Integer.parseInt(a[0]); int reps = Integer.parseInt(a[1]); String v = a[2];
        L l = switch (v) { case "four" -> CountingLoadsAB::four; case "eight" -> CountingLoadsAB::eight; case "eight16" -> CountingLoadsAB::eight16; case "four16" -> CountingLoadsAB::four16; case "seg" -> CountingLoadsAB::seg; case "vh" -> CountingLoadsAB::vh; case "le" -> CountingLoadsAB::le; case "eight32" -> CountingLoadsAB::eight32; default -> throw new IllegalArgumentException(); };
        byte[] msg = IngestInputs.push(Codecs.parse("int8"), n);
        int[] hist = new int[256];
        for (byte b : msg) hist[b & 0xFF]++;
        int mx = 0, arg = 0; for (int k = 0; k < 256; k++) if (hist[k] > mx) { mx = hist[k]; arg = k; }
        ByteBuffer direct = ByteBuffer.allocateDirect(msg.length).put(msg).flip();
        List<ByteBuffer> frames = new ArrayList<>();
        for (int at = 0; at < msg.length; at += 16384) frames.add(direct.slice(at, Math.min(16384, msg.length - at)).asReadOnlyBuffer());
        var mx2 = ManagementFactory.getThreadMXBean();
        double[] t = new double[reps];
        for (int r = -3; r < reps; r++) {
            int[] c = new int[256];
            long t0 = mx2.getCurrentThreadCpuTime();
            for (ByteBuffer f : frames) l.run(f, f.position(), f.limit(), c);
            long t1 = mx2.getCurrentThreadCpuTime();
            if (!Arrays.equals(c, hist)) throw new IllegalStateException("differ");
            if (r >= 0) t[r] = (t1 - t0) / 1e9 / (msg.length / 1e9);
        }
        Arrays.sort(t);
        System.out.printf("%s median %.3f min %.3f CPU-s/GB (most common code %d: %.1f %%)%n", v, t[reps / 2], t[0], arg, 100.0 * mx / msg.length);
    }
}
