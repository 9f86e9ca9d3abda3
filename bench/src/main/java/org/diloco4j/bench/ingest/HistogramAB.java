package org.diloco4j.bench.ingest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.zip.CRC32C;

import org.diloco4j.core.codec.CodeCounts;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.codec.TableBlocks;
import org.diloco4j.core.ingest.ArrivalCounts;
import org.diloco4j.core.ingest.BlockHistograms;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.ingest.StreamedDelta;

/**
 * The int8 push check's code histogram (issue 14), side by side in one JVM on one int8 push of n values
 * (64K chunks): this thread's CPU time per pass, in rotating order, so all share the load of a shared machine.
 * <ol>
 * <li>Counting loops over the message in memory, block by block: main's (int loads through a VarHandle into a
 * thread-local array of four lanes; run twice, an A/A control), and one change at a time up to this branch's
 * {@link CodeCounts} (a per-call array of constant length, then ByteBuffer loads of 4, then 8 bytes).</li>
 * <li>What the check costs per push: main's scan (each block read back by position from a file in the page
 * cache, as from the spool, then counted with main's loop), this branch's scan without counts (the same read,
 * the new loop), and counting on arrival — CRC32C and {@link ArrivalCounts} over 16 KiB direct buffers (as
 * Netty hands them over, read-only, every {@value #HEAP_EVERY}th on the heap as gRPC hands the odd chunk over), less CRC32C
 * alone, which the receiver pays anyway — plus the scan that then uses the counts; and loops over the direct buffers alone:
 * CodeCounts.add per buffer against lanes kept across buffers (constant, or an object's with guarded or masked indices) and
 * pieces copied into a byte[] first, and the loop with each index shifted out of the 8-byte word.</li>
 * </ol>
 * Every variant's counts and every scan's norm are checked bit for bit against the production histogram's.
 * Mode {@code loops} (the default) times 1 and the scans that read the message back; {@code arrival} the rest, in
 * a JVM of its own, as C2 compiles {@link CodeCounts} for the kind of buffer it has seen.
 * Run: {@code scripts/bench-histogram}, or
 * {@code java -Xmx3g -cp bench/target/classes:$(cat bench/target/classpath.txt) org.diloco4j.bench.ingest.HistogramAB [n] [reps] [loops|arrival]}.
 */
public final class HistogramAB {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int BINS = TableBlocks.BINS;
    private static final int TABLE_BYTES = 4 * BINS;
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final ThreadLocal<int[]> LANES = ThreadLocal.withInitial(() -> new int[4 * BINS]);
    /** Netty's frames: a push's chunk arrives as buffers of this size. */
    private static final int FRAME = 16 * 1024;
    /** One frame in this many reaches ArrivalCounts as a read-only heap buffer. */
    private static final int HEAP_EVERY = 64;

    private HistogramAB() {
    }

    /** Counts the codes of the block at {@code bytes[off]} (table, then m codes) into {@code counts[cOff, cOff + 256)}. */
    interface Loop {
        void count(byte[] bytes, int off, int m, int[] counts, int cOff);
    }

    /** main's Int8Codec.Blocks.histogram loop (9eaa68d): VarHandle int loads, lanes from a thread-local. */
    static void mainLoop(byte[] bytes, int off, int m, int[] counts, int cOff) {
        int[] c = LANES.get();
        Arrays.fill(c, 0);
        intLoads(bytes, off, m, counts, cOff, c);
    }

    /** mainLoop with the lanes a new array of constant length. */
    static void localLanes(byte[] bytes, int off, int m, int[] counts, int cOff) {
        intLoads(bytes, off, m, counts, cOff, new int[4 * BINS]);
    }

    /** main's loop proper, counting into the zeroed lanes {@code c}. */
    private static void intLoads(byte[] bytes, int off, int m, int[] counts, int cOff, int[] c) {
        int q = off + TABLE_BYTES;
        int g = m >>> 2;
        for (int j = 0; j < g; j++) {
            int x = (int) INT.get(bytes, q + 4 * j);
            c[x & 0xFF]++;
            c[BINS + ((x >>> 8) & 0xFF)]++;
            c[2 * BINS + ((x >>> 16) & 0xFF)]++;
            c[3 * BINS + (x >>> 24)]++;
        }
        for (int i = 4 * g; i < m; i++) c[bytes[q + i] & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[cOff + k] = c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }

    /** localLanes reading 4-byte words from a heap ByteBuffer instead of a VarHandle. */
    static void bufferInts(byte[] bytes, int off, int m, int[] counts, int cOff) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int[] c = new int[4 * BINS];
        int q = off + TABLE_BYTES;
        int i = q;
        for (int to = q + m; i <= to - 4; i += 4) {
            int x = b.getInt(i);
            c[x & 0xFF]++;
            c[BINS + ((x >>> 8) & 0xFF)]++;
            c[2 * BINS + ((x >>> 16) & 0xFF)]++;
            c[3 * BINS + (x >>> 24)]++;
        }
        for (; i < q + m; i++) c[bytes[i] & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[cOff + k] = c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** 8-byte loads through a VarHandle, per-call lanes: CodeCounts's loop on a byte[] without the ByteBuffer. */
    static void varHandleLongs(byte[] bytes, int off, int m, int[] counts, int cOff) {
        int[] c = new int[4 * BINS];
        int i = off + TABLE_BYTES;
        int to = i + m;
        for (; i <= to - 8; i += 8) {
            long x = (long) LONG.get(bytes, i);
            eight(c, x);
        }
        for (; i < to; i++) c[bytes[i] & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[cOff + k] = c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }

    /** CodeCounts's loop (ByteBuffer 8-byte loads) with main's thread-local lanes. */
    static void bufferLongsThreadLocal(byte[] bytes, int off, int m, int[] counts, int cOff) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int[] c = LANES.get();
        Arrays.fill(c, 0);
        int i = off + TABLE_BYTES;
        int to = i + m;
        for (; i <= to - 8; i += 8) {
            long x = b.getLong(i);
            eight(c, x);
        }
        for (; i < to; i++) c[bytes[i] & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[cOff + k] = c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }

    /** Counts bytes [from, to) of a buffer into counts[cOff, cOff + 256), as CodeCounts.add, adding to them. */
    interface BufferLoop {
        void count(ByteBuffer b, int from, int to, int[] counts, int cOff);
    }

    /** Lanes kept in a field across pieces: what a counter folding once per block would pay per piece. */
    static final int[] KEPT = new int[4 * BINS];

    static void keptLanes(ByteBuffer codes, int from, int to, int[] counts, int cOff) {
        intoLanes(codes, from, to, KEPT);
    }

    /** Lanes of an object (as a counter would hold them), passed in, with a guard on their length. */
    static final class Holder {
        final int[] lanes = new int[4 * BINS];
    }

    static final Holder HOLDER = new Holder();

    static void heldLanes(ByteBuffer codes, int from, int to, int[] counts, int cOff) {
        int[] lanes = HOLDER.lanes;
        if (lanes.length != 4 * BINS) throw new IllegalArgumentException();
        intoLanes(codes, from, to, lanes);
    }

    /** CodeCounts's loop into lanes kept by the caller (not folded). */
    private static void intoLanes(ByteBuffer codes, int from, int to, int[] c) {
        int i = from;
        for (; i <= to - 8; i += 8) eight(c, codes.getLong(i));
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
    }

    /** Lanes of an object, indices masked with (length - 1): C2 drops the bounds checks of {@code a[i & (a.length - 1)]}. */
    static void maskedLanes(ByteBuffer codes, int from, int to, int[] counts, int cOff) {
        int[] c = HOLDER.lanes;
        int i = from;
        for (; i <= to - 8; i += 8) eightMasked(c, codes.getLong(i));
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
    }

    static void eightMasked(int[] c, long x) {
        int lo = (int) x;
        int hi = (int) (x >>> 32);
        int mask = c.length - 1;
        c[(lo & 0xFF) & mask]++;
        c[(BINS + ((lo >>> 8) & 0xFF)) & mask]++;
        c[(2 * BINS + ((lo >>> 16) & 0xFF)) & mask]++;
        c[(3 * BINS + (lo >>> 24)) & mask]++;
        c[(hi & 0xFF) & mask]++;
        c[(BINS + ((hi >>> 8) & 0xFF)) & mask]++;
        c[(2 * BINS + ((hi >>> 16) & 0xFF)) & mask]++;
        c[(3 * BINS + (hi >>> 24)) & mask]++;
    }

    /** CodeCounts.add with each index shifted out of the 8-byte word itself (no split into two ints). */
    static void longShifts(ByteBuffer codes, int from, int to, int[] counts, int cOff) {
        int[] c = new int[4 * BINS];
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = codes.getLong(i);
            c[(int) x & 0xFF]++;
            c[BINS + ((int) (x >>> 8) & 0xFF)]++;
            c[2 * BINS + ((int) (x >>> 16) & 0xFF)]++;
            c[3 * BINS + ((int) (x >>> 24) & 0xFF)]++;
            c[(int) (x >>> 32) & 0xFF]++;
            c[BINS + ((int) (x >>> 40) & 0xFF)]++;
            c[2 * BINS + ((int) (x >>> 48) & 0xFF)]++;
            c[3 * BINS + (int) (x >>> 56)]++;
        }
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[cOff + k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }

    private static final VarHandle BUFFER_LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** CodeCounts.add's loop reading through a ByteBuffer VarHandle of fixed byte order (no virtual getLong, no test of the buffer's order). */
    static void bufferVarHandle(ByteBuffer codes, int from, int to, int[] counts, int cOff) {
        int[] c = new int[4 * BINS];
        int i = from;
        // Measured (docs/bench/histogram.md, 05:18 UTC) with the eight increments written out here, as in CodeCounts.
        for (; i <= to - 8; i += 8) eight(c, (long) BUFFER_LONG.get(codes, i));
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[cOff + k] += c[k] + c[BINS + k] + c[2 * BINS + k] + c[3 * BINS + k];
    }

    static final byte[] SCRATCH = new byte[FRAME];

    /** Each buffer copied into a heap scratch array (one path whatever the buffer's class), counted with byte[] long loads into per-call lanes. */
    static void copiedPerCall(ByteBuffer codes, int from, int to, int[] counts, int cOff) {
        for (int i = from; i < to; i += FRAME) {
            int k = Math.min(FRAME, to - i);
            codes.get(i, SCRATCH, 0, k);
            int[] c = new int[4 * BINS];
            int j = 0;
            for (; j <= k - 8; j += 8) eight(c, (long) LONG.get(SCRATCH, j));
            for (; j < k; j++) c[SCRATCH[j] & 0xFF]++;
            for (int q = 0; q < BINS; q++) counts[cOff + q] += c[q] + c[BINS + q] + c[2 * BINS + q] + c[3 * BINS + q];
        }
    }

    /** Copied as copiedPerCall, counted into an object's lanes with masked indices (folded once per block by a counter). */
    static void copiedMasked(ByteBuffer codes, int from, int to, int[] counts, int cOff) {
        int[] c = HOLDER.lanes;
        for (int i = from; i < to; i += FRAME) {
            int k = Math.min(FRAME, to - i);
            codes.get(i, SCRATCH, 0, k);
            int j = 0;
            for (; j <= k - 8; j += 8) eightMasked(c, (long) LONG.get(SCRATCH, j));
            for (; j < k; j++) c[SCRATCH[j] & 0xFF]++;
        }
    }

    /** CodeCounts.add with two lanes (2 KiB per call to clear and fold, not 4). */
    static void twoLanes(ByteBuffer codes, int from, int to, int[] counts, int cOff) {
        int[] c = new int[2 * BINS];
        int i = from;
        for (; i <= to - 8; i += 8) {
            long x = codes.getLong(i);
            int lo = (int) x;
            int hi = (int) (x >>> 32);
            c[lo & 0xFF]++;
            c[BINS + ((lo >>> 8) & 0xFF)]++;
            c[(lo >>> 16) & 0xFF]++;
            c[BINS + (lo >>> 24)]++;
            c[hi & 0xFF]++;
            c[BINS + ((hi >>> 8) & 0xFF)]++;
            c[(hi >>> 16) & 0xFF]++;
            c[BINS + (hi >>> 24)]++;
        }
        for (; i < to; i++) c[codes.get(i) & 0xFF]++;
        for (int k = 0; k < BINS; k++) counts[cOff + k] += c[k] + c[BINS + k];
    }

    /**
     * The eight increments of CodeCounts.add's loop for one 8-byte load, for the variants here: a copy, as
     * CodeCounts keeps them in its loop (with them in a called method, as af348c8 had, C2 did not always
     * inline it). Counting on arrival is bimodal across JVMs with them inline too (0.38 or 0.52–0.54 CPU-s
     * per GB, histogram-results.md): the cause is not known.
     */
    static void eight(int[] c, long x) {
        int lo = (int) x;
        int hi = (int) (x >>> 32);
        c[lo & 0xFF]++;
        c[BINS + ((lo >>> 8) & 0xFF)]++;
        c[2 * BINS + ((lo >>> 16) & 0xFF)]++;
        c[3 * BINS + (lo >>> 24)]++;
        c[hi & 0xFF]++;
        c[BINS + ((hi >>> 8) & 0xFF)]++;
        c[2 * BINS + ((hi >>> 16) & 0xFF)]++;
        c[3 * BINS + (hi >>> 24)]++;
    }

    /** This branch: CodeCounts (8-byte ByteBuffer loads, per-call lanes), as Int8Codec.Blocks.histogram calls it. */
    static void codeCounts(byte[] bytes, int off, int m, int[] counts, int cOff) {
        Arrays.fill(counts, cOff, cOff + BINS, 0);
        CodeCounts.add(ByteBuffer.wrap(bytes), off + TABLE_BYTES, off + TABLE_BYTES + m, counts, cOff);
    }

    /** A message read by position from a file (in the page cache once written), as DeltaAssembler reads its spool. */
    record FileSource(FileChannel ch, long size) implements EncodedSource {
        @Override
        public void read(long position, byte[] dst, int off, int len) {
            ByteBuffer b = ByteBuffer.wrap(dst, off, len);
            try {
                while (b.hasRemaining()) {
                    if (ch.read(b, position + (len - b.remaining())) < 0) throw new IOException("short file");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The same bytes with the counts taken as they arrived. */
    record Counted(EncodedSource in, BlockHistograms histograms) implements EncodedSource {
        @Override
        public long size() {
            return in.size();
        }

        @Override
        public void read(long position, byte[] dst, int off, int len) {
            in.read(position, dst, off, len);
        }
    }

    record Variant(String name, LongSupplier pass) {
    }

    public static void main(String[] args) throws IOException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000_000;
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        // One JVM per mode: C2 compiles CodeCounts for the buffers it has seen, and the coordinator counts
        // direct buffers only (on arrival) while a simulator's scan counts heap arrays only.
        boolean arrival = args.length > 2 && args[2].equals("arrival");
        Codec int8 = Codecs.parse("int8");
        TableBlocks t = (TableBlocks) int8.blocks();
        byte[] msg = IngestInputs.push(int8, n);
        int blocks = t.blocks(n);
        int[] want = new int[blocks * BINS];
        float[] tables = new float[want.length];
        // The reference from main's loop, so that CodeCounts has seen no heap array in the arrival mode's JVM.
        double squares = 0;
        for (int b = 0; b < blocks; b++) {
            int off = (int) t.blockOffset(b);
            ByteBuffer.wrap(msg, off, TABLE_BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(tables, b * BINS, BINS);
            mainLoop(msg, off, values(t, n, b), want, b * BINS);
            squares += TableBlocks.squares(want, b * BINS, tables, b * BINS, 1f, false);
        }
        double norm = Math.sqrt(squares);

        Path file = Files.createTempFile("histogram-ab", ".spool");
        Files.write(file, msg);
        file.toFile().deleteOnExit();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        FileSource spool = new FileSource(ch, msg.length);
        ByteBuffer direct = ByteBuffer.allocateDirect(msg.length).put(msg).flip();
        List<ByteBuffer> frames = new ArrayList<>();
        for (int at = 0; at < msg.length; at += FRAME) frames.add(direct.slice(at, Math.min(FRAME, msg.length - at)).asReadOnlyBuffer());
        // As gRPC hands a push over: read-only direct buffers, and the odd whole chunk on the heap (HeapByteBufferR: 1.6 % of the
        // bytes of a 100M push bench, docs/bench/histogram.md), here every HEAP_EVERY-th frame.
        List<ByteBuffer> arrivalFrames = new ArrayList<>(frames);
        for (int f = HEAP_EVERY - 1; f < arrivalFrames.size(); f += HEAP_EVERY) {
            ByteBuffer d = arrivalFrames.get(f);
            byte[] copy = new byte[d.remaining()];
            d.duplicate().get(copy);
            arrivalFrames.set(f, ByteBuffer.wrap(copy).asReadOnlyBuffer());
        }

        List<Variant> loops = new ArrayList<>();
        String[] loopNames = {"main: VarHandle int loads, thread-local lanes", "main again (A/A control)", "per-call lanes of constant length",
            "per-call lanes, ByteBuffer int loads", "per-call lanes, VarHandle long loads", "thread-local lanes, ByteBuffer long loads",
            "this branch: CodeCounts (per-call lanes, ByteBuffer long loads)"};
        Loop[] loopFns = {HistogramAB::mainLoop, HistogramAB::mainLoop, HistogramAB::localLanes, HistogramAB::bufferInts, HistogramAB::varHandleLongs,
            HistogramAB::bufferLongsThreadLocal, HistogramAB::codeCounts};
        for (int v = 0; v < loopFns.length; v++) {
            Loop l = loopFns[v];
            String name = loopNames[v];
            loops.add(new Variant(name, () -> {
                int[] counts = new int[want.length];
                for (int b = 0; b < blocks; b++) l.count(msg, (int) t.blockOffset(b), values(t, n, b), counts, b * BINS);
                if (!Arrays.equals(counts, want)) throw new IllegalStateException(name + ": counts differ");
                return 0;
            }));
        }

        List<Variant> scans = new ArrayList<>();
        List<Variant> loopScans = new ArrayList<>();
        Variant mainScan = new Variant("main's scan: read each block from the file, main's loop", () -> {
            byte[] buf = new byte[t.blockBytes(t.blockValues())];
            int[] counts = new int[want.length];
            float[] tb = new float[want.length];
            double sum = 0;
            for (int b = 0; b < blocks; b++) {
                int m = values(t, n, b);
                spool.read(t.blockOffset(b), buf, 0, t.blockBytes(m));
                ByteBuffer.wrap(buf, 0, TABLE_BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(tb, b * BINS, BINS);
                mainLoop(buf, 0, m, counts, b * BINS);
                sum += TableBlocks.squares(counts, b * BINS, tb, b * BINS, 1f, false);
            }
            check("main's scan", Math.sqrt(sum), norm);
            return 0;
        });
        scans.add(mainScan);
        loopScans.add(mainScan);
        loopScans.add(new Variant("this branch's scan without counts: read each block from the file, CodeCounts", () -> {
            check("scan without counts", new StreamedDelta(t, spool, n).scan(null).norm(), norm);
            return 0;
        }));
        scans.add(new Variant("arrival: CRC32C alone over 16 KiB direct buffers (paid today too)", () -> {
            CRC32C crc = new CRC32C();
            for (ByteBuffer f : frames) crc.update(f.duplicate());
            return crc.getValue();
        }));
        BlockHistograms[] arrived = new BlockHistograms[1];
        scans.add(new Variant("arrival: CRC32C + ArrivalCounts over 16 KiB read-only buffers, every 64th on the heap", () -> {
            CRC32C crc = new CRC32C();
            ArrivalCounts a = ArrivalCounts.of(t, n);
            for (ByteBuffer f : arrivalFrames) {
                ByteBuffer d = f.duplicate();
                a.accept(d);
                crc.update(d);
            }
            arrived[0] = a.result();
            if (!Arrays.equals(arrived[0].counts(), want)) throw new IllegalStateException("arrival counts differ");
            return crc.getValue();
        }));
        scans.add(new Variant("this branch's scan with the counts that arrived", () -> {
            if (arrived[0] == null) return 0; // before the first arrival pass
            check("scan with counts", new StreamedDelta(t, new Counted(spool, arrived[0]), n).scan(null).norm(), norm);
            return 0;
        }));
        double gb = msg.length / 1e9;
        System.out.printf("n=%,d (%,d bytes of int8, %d blocks), reps=%d, load before=%s%n%n", n, msg.length, blocks, reps, loadAvg());
        if (arrival) {
            List<Variant> onDirect = new ArrayList<>();
            String[] dNames = {"CodeCounts.add per 16 KiB buffer (production)", "lanes kept across buffers (a constant array)",
                "lanes kept across buffers in an object's field, length guarded", "two per-call lanes",
                "lanes kept in an object's field, masked indices", "copied to a byte[], per-call lanes", "copied to a byte[], object's lanes, masked indices",
                "CodeCounts.add's loop, indices shifted out of the long", "CodeCounts.add's loop, loads through a fixed-order ByteBuffer VarHandle"};
            BufferLoop[] dFns = {CodeCounts::add, HistogramAB::keptLanes, HistogramAB::heldLanes, HistogramAB::twoLanes,
                HistogramAB::maskedLanes, HistogramAB::copiedPerCall, HistogramAB::copiedMasked, HistogramAB::longShifts, HistogramAB::bufferVarHandle};
            long total = Arrays.stream(want).asLongStream().sum() + (long) blocks * TABLE_BYTES + t.headerBytes();
            for (int v = 0; v < dFns.length; v++) {
                BufferLoop l = dFns[v];
                String name = dNames[v];
                onDirect.add(new Variant(name, () -> {
                    int[] counts = new int[BINS];
                    Arrays.fill(KEPT, 0);
                    Arrays.fill(HOLDER.lanes, 0);
                    for (ByteBuffer f : frames) l.count(f, f.position(), f.limit(), counts, 0);
                    long sum = 0;
                    for (int k = 0; k < 4 * BINS; k++) sum += (k < BINS ? counts[k] : 0) + KEPT[k] + HOLDER.lanes[k];
                    if (sum != total) throw new IllegalStateException(name + ": counted " + sum + " bytes of " + total);
                    return sum;
                }));
            }
            section("Counting every byte of the message's 16 KiB direct buffers (no regions)", onDirect, reps, gb);
            section("The check's histogram per push: counted on arrival (CodeCounts sees direct buffers only)", scans, reps, gb);
        } else {
            section("Counting loops (message in memory; CodeCounts sees heap arrays only)", loops, reps, gb);
            section("The check's histogram per push: read back (the scan without counts)", loopScans, reps, gb);
        }
        System.out.printf("%nload after=%s%n", loadAvg());
        ch.close();
        Files.deleteIfExists(file);
    }

    /** Times the variants and prints their table under a heading. */
    private static void section(String title, List<Variant> vs, int reps, double gb) {
        System.out.println("#### " + title);
        System.out.println();
        print(time(vs, reps), vs, gb);
        System.out.println();
    }

    private static void check(String what, double got, double want) {
        if (Double.doubleToRawLongBits(got) != Double.doubleToRawLongBits(want)) throw new IllegalStateException(what + ": norm " + got + " != " + want);
    }

    /** CPU ms per pass of each variant, 3 warm-up rounds then {@code reps}, rotating which goes first. */
    private static double[][] time(List<Variant> vs, int reps) {
        double[][] t = new double[vs.size()][reps];
        for (int s = 0; s < reps + 3; s++) {
            for (int j = 0; j < vs.size(); j++) {
                int v = (j + s) % vs.size();
                long c0 = THREADS.getCurrentThreadCpuTime();
                vs.get(v).pass().getAsLong();
                if (s >= 3) t[v][s - 3] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
            }
        }
        return t;
    }

    private static void print(double[][] t, List<Variant> vs, double gb) {
        double base = IngestInputs.median(t[0]);
        System.out.println("| variant | CPU ms per pass, median (min–max) | CPU-s per GB int8 | vs first |");
        System.out.println("|---|---:|---:|---:|");
        for (int v = 0; v < vs.size(); v++) {
            double med = IngestInputs.median(t[v]);
            System.out.printf("| %s | %.1f (%.1f–%.1f) | %.3f | %.2f |%n", vs.get(v).name(), med, Arrays.stream(t[v]).min().orElseThrow(),
                    Arrays.stream(t[v]).max().orElseThrow(), med / 1e3 / gb, med / base);
        }
    }

    private static int values(TableBlocks t, int n, int b) {
        return (int) Math.min(t.blockValues(), n - (long) b * t.blockValues());
    }

    private static String loadAvg() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "?";
        }
    }
}
