package org.diloco4j.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Writes and reads back a checkpoint of θ and an outer momentum of {@code n} fp32 values each, held
 * in native memory (as a trainer's tensors are), through {@link CheckpointFile}: seconds of wall and
 * CPU for each, the file's size, peak RSS, and a CRC32C of both tensors before and after (restored
 * bit for bit, or the run fails). Run by scripts/bench-checkpoint.
 *
 * <p>Usage: {@code CheckpointBench N DIR}; prints {@code key=value} lines.
 */
public final class CheckpointBench {
    record Outer(TensorData theta, TensorData momentum) {
    }

    record State(Outer outer, long step) {
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
        Files.createDirectories(dir);
        Path file = dir.resolve("bench.ckpt");
        try {
            Blocks theta = Blocks.allocate(n), momentum = Blocks.allocate(n);
            theta.fill(1);
            momentum.fill(2);
            String before = theta.crc() + "," + momentum.crc();
            double cpu0 = cpuSeconds(), t0 = now();
            CheckpointFile.write(file, CheckpointFile.Kind.SIMULATION, new State(new Outer(theta, momentum), 1), Map.of());
            double write = now() - t0, writeCpu = cpuSeconds() - cpu0;
            theta.zero();
            momentum.zero();
            double cpu1 = cpuSeconds(), t1 = now();
            try (CheckpointFile.Reader r = CheckpointFile.open(file, file.toString(), CheckpointFile.Kind.SIMULATION)) {
                State s = r.state(State.class);
                theta.restore(s.outer().theta());
                momentum.restore(s.outer().momentum());
            }
            double read = now() - t1, readCpu = cpuSeconds() - cpu1;
            String after = theta.crc() + "," + momentum.crc();
            if (!after.equals(before)) throw new AssertionError("restored tensors differ: " + before + " vs " + after);
            System.out.printf(java.util.Locale.ROOT, "params=%d file_bytes=%d write_s=%.1f write_cpu_s=%.1f read_s=%.1f read_cpu_s=%.1f crc=%s peak_rss_mib=%d%n",
                    n, Files.size(file), write, writeCpu, read, readCpu, after, peakRssMib());
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static double now() {
        return System.nanoTime() / 1e9;
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    /** The process's peak resident set in MiB (VmHWM is in KiB). */
    private static long peakRssMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
        return -1;
    }
}
