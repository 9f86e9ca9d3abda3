package org.diloco4j.net.coord;

import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * What keeping a θ snapshot in a file costs in CPU against keeping it on the heap, on this thread
 * alone (thread CPU time, so other processes on a shared machine slow it but do not add to it):
 * making one (encoding θ, and with files writing it through the kernel into the page cache), sending
 * it once in chunks (a heap slice is free; a file chunk is read back, one copy through the kernel;
 * the copy gRPC makes into its buffers is the same for both and included in neither). Making one
 * includes its CRC32C, summed as the bytes are written.
 * Best of {@code repeats}. Usage: {@code SnapshotCostBench [params 250000000] [chunkBytes 1048576]
 * [repeats 3] [dir]}; run by scripts/bench-snapshot-cost. Prints one JSON object.
 */
public final class SnapshotCostBench {
    private SnapshotCostBench() {
    }

    public static void main(String[] args) throws Exception {
        int params = args.length > 0 ? Integer.parseInt(args[0]) : 250_000_000;
        int chunk = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("snapshot-cost");
        Codec bf16 = Codecs.parse("bf16");
        float[] theta = new float[params];
        for (int i = 0; i < params; i++) theta[i] = (i % 9973) * 1e-4f - 0.5f;
        double gb = bf16.encodedSize(params) / 1e9;
        StringBuilder json = new StringBuilder("{\"date\":\"" + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\",\"params\":" + params
                + ",\"chunk_bytes\":" + chunk + ",\"snapshot_gb\":" + String.format(Locale.ROOT, "%.4f", gb) + ",\"repeats\":" + repeats
                + ",\"load_average_at_start\":" + ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (SnapshotPlace place : new SnapshotPlace[] {SnapshotPlace.HEAP, SnapshotPlace.FILE}) {
            double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
            for (int r = 0; r < repeats; r++) {
                double[] t = once(place == SnapshotPlace.HEAP ? new HeapSnapshots() : FileSnapshots.open(dir, true), bf16, theta, chunk);
                for (int k = 0; k < 2; k++) best[k] = Math.min(best[k], t[k]);
            }
            String p = place.id();
            json.append(String.format(Locale.ROOT, ",\"%s_write_cpu_s_per_gb\":%.4f,\"%s_send_cpu_s_per_gb\":%.4f",
                    p, best[0] / gb, p, best[1] / gb));
        }
        json.append(",\"load_average_at_end\":").append(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()).append('}');
        System.out.println(json);
    }

    /** Thread CPU-seconds to {write (CRC included), send in chunks} one snapshot of {@code theta}. */
    private static double[] once(SnapshotStorage storage, Codec codec, float[] theta, int chunk) throws Exception {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long t0 = cpu.getCurrentThreadCpuTime();
        SnapshotBytes b = storage.write(codec, Fp32Vector.wrap(theta));
        long t1 = cpu.getCurrentThreadCpuTime();
        ByteBuffer sink = ByteBuffer.allocate(64);
        long sum = 0;
        for (long at = 0; at < b.length(); at += chunk) {
            var piece = b.slice(at, (int) Math.min(chunk, b.length() - at));
            sum += piece.byteAt(piece.size() - 1);
        }
        long t2 = cpu.getCurrentThreadCpuTime();
        sink.putLong(sum);
        b.release();
        return new double[] {(t1 - t0) / 1e9, (t2 - t1) / 1e9};
    }
}
