package org.diloco4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes and reads back a checkpoint of θ, an outer momentum and (with 3 tensors) an accumulator of
 * {@code n} fp32 values each through {@link CheckpointFile}: seconds of wall and CPU (user, system)
 * for each, the file's size, peak RSS, and a checksum of every tensor before and after (restored bit
 * for bit, or the run fails). Two kinds: {@code simulation} holds the tensors in native memory (as a
 * trainer's are) and reads them back into it after the checksum pass (two passes over the file);
 * {@code coordinator} holds them as Java arrays (the coordinator's θ, momentum and accumulator) and
 * reads them in the checksum pass itself ({@link ReadAhead}; the written arrays are dropped first, so
 * the heap needs one copy). Direct or buffered I/O as {@code -Ddiloco4j.checkpoint.io} says.
 * Run by scripts/bench-checkpoint.
 *
 * <p>Usage: {@code CheckpointBench N DIR [TENSORS [simulation|coordinator]]}; prints {@code key=value} lines.
 */
public final class CheckpointBench {
    record Outer(TensorData theta, TensorData momentum, TensorData accumulator) {
    }

    record State(Outer outer, long step) {
    }

    record HeapOuter(float[] theta, float[] momentum, float[] accumulator) {
    }

    record HeapState(HeapOuter outer, long step) {
    }

    /** A tensor in native memory: direct buffers of 1 GiB (the JDK's own native memory, as libtorch's would be). */
    record Blocks(ByteBuffer[] blocks, long bytes) implements TensorData {
        static final int BLOCK = 1 << 30;

        static Blocks allocate(long n) {
            long bytes = 4 * n;
            ByteBuffer[] b = new ByteBuffer[(int) ((bytes + BLOCK - 1) / BLOCK)];
            for (int i = 0; i < b.length; i++) b[i] = ByteBuffer.allocateDirect((int) Math.min(BLOCK, bytes - (long) i * BLOCK));
            return new Blocks(b, bytes);
        }

        public Dtype dtype() {
            return Dtype.F32;
        }

        public long[] shape() {
            return new long[] {bytes / 4};
        }

        public void copyTo(long offset, ByteBuffer dst) {
            while (dst.hasRemaining()) {
                ByteBuffer b = blocks[(int) (offset / BLOCK)];
                int at = (int) (offset % BLOCK), k = Math.min(dst.remaining(), b.capacity() - at);
                dst.put(b.slice(at, k));
                offset += k;
            }
        }

        /** Distinct values block by block, cheaply: a 4 MiB pattern copied, each copy marked with its place. */
        void fill(int seed) {
            ByteBuffer pattern = ByteBuffer.allocateDirect(Chunks.SIZE);
            for (int i = 0; i < Chunks.SIZE / 4; i++) pattern.putFloat(4 * i, (float) Math.sin(seed * 1e-3 * i));
            long place = 0;
            for (ByteBuffer b : blocks) {
                for (int at = 0; at < b.capacity(); at += Chunks.SIZE, place++) {
                    int k = Math.min(Chunks.SIZE, b.capacity() - at);
                    b.put(at, pattern, 0, k);
                    if (k >= 8) b.putLong(at, place);
                }
            }
        }

        void zero() {
            ByteBuffer zeros = ByteBuffer.allocateDirect(Chunks.SIZE);
            for (ByteBuffer b : blocks) for (int at = 0; at < b.capacity(); at += Chunks.SIZE) b.put(at, zeros, 0, Math.min(Chunks.SIZE, b.capacity() - at));
        }

        /** this ← {@code src}, a block at a time (as NativeF32 fills a libtorch tensor window by window). */
        void restore(TensorData src) throws IOException {
            long at = 0;
            for (ByteBuffer b : blocks) {
                src.copyTo(at, b.clear());
                at += b.capacity();
            }
        }

        String crc() {
            CRC32C c = new CRC32C();
            for (ByteBuffer b : blocks) c.update(b.duplicate().clear());
            return String.format("%08x", c.getValue());
        }
    }

    public static void main(String[] args) throws IOException {
        long n = Long.parseLong(args[0]);
        Path dir = Path.of(args[1]);
        int tensors = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        boolean coordinator = args.length > 3 && args[3].equals("coordinator");
        if (tensors < 2 || tensors > 3) throw new IllegalArgumentException("tensors: 2 (θ, momentum) or 3 (and an accumulator), not " + tensors);
        Files.createDirectories(dir);
        Path file = dir.resolve("bench.ckpt");
        try {
            Times write, read;
            String before, after;
            if (coordinator) {
                float[][] v = new float[tensors][];
                for (int i = 0; i < tensors; i++) v[i] = fill(Math.toIntExact(n), i + 1);
                before = hashes(v);
                HeapState s = new HeapState(new HeapOuter(v[0], v[1], tensors > 2 ? v[2] : null), 1);
                Times t0 = Times.now();
                CheckpointFile.write(file, CheckpointFile.Kind.COORDINATOR, s, Map.of());
                write = Times.now().minus(t0);
                s = null;
                v = null;   // one copy on the heap: the written arrays go before the read makes new ones
                System.gc();
                Times t1 = Times.now();
                HeapOuter o;
                try (CheckpointFile.Reader r = CheckpointFile.open(file, file.toString(), CheckpointFile.Kind.COORDINATOR)) {
                    o = r.state(HeapState.class).outer();
                }
                read = Times.now().minus(t1);
                after = hashes(tensors > 2 ? new float[][] {o.theta(), o.momentum(), o.accumulator()} : new float[][] {o.theta(), o.momentum()});
            } else {
                Blocks[] b = new Blocks[tensors];
                for (int i = 0; i < tensors; i++) {
                    b[i] = Blocks.allocate(n);
                    b[i].fill(i + 1);
                }
                before = crcs(b);
                Times t0 = Times.now();
                CheckpointFile.write(file, CheckpointFile.Kind.SIMULATION, new State(new Outer(b[0], b[1], tensors > 2 ? b[2] : null), 1), Map.of());
                write = Times.now().minus(t0);
                for (Blocks x : b) x.zero();
                Times t1 = Times.now();
                try (CheckpointFile.Reader r = CheckpointFile.open(file, file.toString(), CheckpointFile.Kind.SIMULATION)) {
                    Outer o = r.state(State.class).outer();
                    b[0].restore(o.theta());
                    b[1].restore(o.momentum());
                    if (tensors > 2) b[2].restore(o.accumulator());
                }
                read = Times.now().minus(t1);
                after = crcs(b);
            }
            if (!after.equals(before)) throw new AssertionError("restored tensors differ: " + before + " vs " + after);
            System.out.printf(java.util.Locale.ROOT, "params=%d tensors=%d kind=%s io=%s file_bytes=%d write_s=%.1f write_cpu_s=%.1f write_user_s=%.1f write_sys_s=%.1f "
                            + "read_s=%.1f read_cpu_s=%.1f read_user_s=%.1f read_sys_s=%.1f check=%s peak_rss_mib=%d%n",
                    n, tensors, coordinator ? "coordinator" : "simulation", IoMode.configured().name().toLowerCase(java.util.Locale.ROOT), Files.size(file),
                    write.wall(), write.user() + write.sys(), write.user(), write.sys(), read.wall(), read.user() + read.sys(), read.user(), read.sys(), after, peakRssMib());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Wall, user and system seconds of this process (user and system from /proc/self/stat, in clock ticks of 1/100 s). */
    record Times(double wall, double user, double sys) {
        static Times now() throws IOException {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // After the command's name: state is field 3, utime 14, stime 15 (1-based, proc(5)).
            return new Times(System.nanoTime() / 1e9, Long.parseLong(f[11]) / 100.0, Long.parseLong(f[12]) / 100.0);
        }

        Times minus(Times o) {
            return new Times(wall - o.wall, user - o.user, sys - o.sys);
        }
    }

    /** Distinct values, cheaply: a 1 Mi-value pattern copied, each copy marked with its place. */
    private static float[] fill(int n, int seed) {
        float[] pattern = new float[1 << 20];
        for (int i = 0; i < pattern.length; i++) pattern[i] = (float) Math.sin(seed * 1e-3 * i);
        float[] v = new float[n];
        for (int at = 0, place = 0; at < n; at += pattern.length, place++) {
            System.arraycopy(pattern, 0, v, at, Math.min(pattern.length, n - at));
            v[at] = place;
        }
        return v;
    }

    private static String hashes(float[][] v) {
        StringBuilder b = new StringBuilder();
        for (float[] x : v) b.append(b.isEmpty() ? "" : ",").append(String.format("%08x", java.util.Arrays.hashCode(x)));
        return b.toString();
    }

    private static String crcs(Blocks[] b) {
        StringBuilder s = new StringBuilder();
        for (Blocks x : b) s.append(s.isEmpty() ? "" : ",").append(x.crc());
        return s.toString();
    }

    /** The process's peak resident set in MiB (VmHWM is in KiB). */
    private static long peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
        return -1;
    }
}
