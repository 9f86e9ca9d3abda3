package org.diloco4j.bench.spool;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The coordinator's spool write path, a new file per upload (as before) against one file rewritten
 * by every upload (net/coord/SpoolFilePool), in the CPU of the thread doing it (user and system, from
 * /proc/thread-self/stat, so the kernel's page-cache work counts) per GiB. An upload is written as the
 * coordinator writes one: messages of 1 MiB, each one gathering write of 64 direct buffers of 16 KiB
 * (Netty's frames), appended from offset 0; then read back once by position into a 1 MiB heap array
 * (what the ingest's checks read; the apply reads it again); then the new file is closed (its pages
 * freed) or the reused file kept. Rounds alternate the two ways; every figure is measured.
 * Also the machine's pages written back to disk during each way (/proc/vmstat nr_written, the whole
 * machine: a file kept dirty is written out by the kernel's flusher after 30 s, a new file closed
 * before that is not).
 *
 * <p>Run: {@code scripts/bench-spool-write [--dir D] [--mib 256] [--uploads 4] [--rounds 5]}.
 */
public final class SpoolWriteBench {
    private static final int FRAME = 16 << 10;
    private static final int MESSAGE = 1 << 20;
    private static final double TICK = 0.01; // USER_HZ, 100 on Linux

    private enum Way { NEW_FILE, REUSED_FILE }

    /** CPU-seconds of the calling thread so far, user and system. */
    private record Cpu(double user, double sys) {
        static Cpu now() throws IOException {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new Cpu(Long.parseLong(f[11]) * TICK, Long.parseLong(f[12]) * TICK);
        }

        Cpu minus(Cpu o) {
            return new Cpu(user - o.user, sys - o.sys);
        }
    }

    private record Phases(Cpu write, Cpu read, Cpu free, long writtenBack) {
    }

    private SpoolWriteBench() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        int mib = 256;
        int uploads = 4;
        int rounds = 5;
        if (args.length % 2 != 0) {
            System.err.println("bench-spool-write: option " + args[args.length - 1] + " has no value; usage: --dir D --mib N --uploads N --rounds N");
            System.exit(2);
        }
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--mib" -> mib = Integer.parseInt(args[i + 1]);
                case "--uploads" -> uploads = Integer.parseInt(args[i + 1]);
                case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
                default -> {
                    System.err.println("bench-spool-write: unknown option " + args[i] + "; known: --dir --mib --uploads --rounds");
                    System.exit(2);
                }
            }
        }
        ByteBuffer[] frames = new ByteBuffer[MESSAGE / FRAME];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = ByteBuffer.allocateDirect(FRAME);
            for (int j = 0; j < FRAME; j++) frames[i].put(j, (byte) (i * 31 + j));
        }
        byte[] scratch = new byte[MESSAGE];
        long bytes = (long) mib << 20;
        double gib = (double) uploads * bytes / (1L << 30);
        FileChannel kept = create(dir);
        // Warm-up: one upload each way (JIT, and the kept file's pages allocated once, as the pool's first upload does).
        upload(Way.NEW_FILE, null, dir, bytes, frames, scratch);
        upload(Way.REUSED_FILE, kept, dir, bytes, frames, scratch);
        System.out.printf("Each upload %d MiB, %d uploads per way per round (%.2f GiB), %d rounds, spool directory %s.%n%n", mib, uploads, gib, rounds, dir);
        System.out.println("| round | way | write: user + sys CPU-s per GiB | read back: user + sys per GiB | close / keep: sys per GiB | total CPU-s per GiB | pages written back (machine) |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|");
        List<double[]> totals = new ArrayList<>();
        for (Way w : Way.values()) totals.add(new double[rounds]);
        for (int r = 0; r < rounds; r++) {
            for (Way w : (r % 2 == 0 ? List.of(Way.NEW_FILE, Way.REUSED_FILE) : List.of(Way.REUSED_FILE, Way.NEW_FILE))) {
                Cpu write = new Cpu(0, 0), read = new Cpu(0, 0), free = new Cpu(0, 0);
                long back = 0;
                for (int u = 0; u < uploads; u++) {
                    Phases p = upload(w, kept, dir, bytes, frames, scratch);
                    write = plus(write, p.write);
                    read = plus(read, p.read);
                    free = plus(free, p.free);
                    back += p.writtenBack;
                }
                double total = (write.user + write.sys + read.user + read.sys + free.user + free.sys) / gib;
                totals.get(w.ordinal())[r] = total;
                System.out.printf("| %d | %s | %.3f + %.3f | %.3f + %.3f | %.3f | %.3f | %d |%n", r + 1, name(w),
                        write.user / gib, write.sys / gib, read.user / gib, read.sys / gib, (free.user + free.sys) / gib, total, back);
            }
        }
        kept.close();
        System.out.println();
        for (Way w : Way.values()) {
            double[] t = totals.get(w.ordinal()).clone();
            Arrays.sort(t);
            System.out.printf("- %s: median %.3f CPU-s per GiB (rounds %.3f–%.3f)%n", name(w), t[t.length / 2], t[0], t[t.length - 1]);
        }
    }

    private static String name(Way w) {
        return w == Way.NEW_FILE ? "new file per upload" : "reused file";
    }

    private static Cpu plus(Cpu a, Cpu b) {
        return new Cpu(a.user + b.user, a.sys + b.sys);
    }

    private static Phases upload(Way way, FileChannel kept, Path dir, long bytes, ByteBuffer[] frames, byte[] scratch) throws IOException {
        long back0 = writtenBack();
        Cpu t0 = Cpu.now();
        FileChannel c = way == Way.NEW_FILE ? create(dir) : kept.position(0);
        for (long at = 0; at < bytes; at += MESSAGE) {
            for (ByteBuffer f : frames) f.clear();
            long left = MESSAGE;
            while (left > 0) left -= c.write(frames);
        }
        Cpu t1 = Cpu.now();
        ByteBuffer into = ByteBuffer.wrap(scratch);
        for (long at = 0; at < bytes; at += MESSAGE) {
            into.clear();
            while (into.hasRemaining()) c.read(into, at + into.position());
        }
        Cpu t2 = Cpu.now();
        if (way == Way.NEW_FILE) c.close();
        Cpu t3 = Cpu.now();
        return new Phases(t1.minus(t0), t2.minus(t1), t3.minus(t2), writtenBack() - back0);
    }

    /** A new file in {@code dir}, open, already unlinked (as the coordinator's spool makes them). */
    private static FileChannel create(Path dir) throws IOException {
        Path f = Files.createTempFile(dir, "spool-bench-", ".tmp");
        FileChannel c = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE);
        Files.delete(f);
        return c;
    }

    /** Pages the whole machine has written back to disk so far. */
    private static long writtenBack() throws IOException {
        return Files.readAllLines(Path.of("/proc/vmstat")).stream().filter(l -> l.startsWith("nr_written "))
                .mapToLong(l -> Long.parseLong(l.substring("nr_written ".length()).strip())).sum();
    }
}
