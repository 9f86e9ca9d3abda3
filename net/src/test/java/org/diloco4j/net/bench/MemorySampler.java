package org.diloco4j.net.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples this JVM's memory on a daemon thread: heap used (garbage included, so it climbs to
 * {@code -Xmx}), the live set (what the heap pools held right after their last collection), and the
 * resident set size of the whole process from /proc/self/status (heap, metaspace, thread stacks,
 * direct buffers: what the machine has to hold). The kernel's own peak (VmHWM) is read at the end.
 */
final class MemorySampler implements AutoCloseable {
    private static final long HEAP_EVERY_MS = 10;
    /** /proc reads cost more than a bean call: RSS every 10th heap sample. */
    private static final int RSS_EVERY = 10;

    private final AtomicLong peakHeap = new AtomicLong();
    private final AtomicLong peakLive = new AtomicLong();
    private final AtomicLong peakRss = new AtomicLong();
    private final Thread thread;

    private MemorySampler() {
        thread = new Thread(this::run, "memory-sampler");
        thread.setDaemon(true);
    }

    static MemorySampler start() {
        MemorySampler s = new MemorySampler();
        s.thread.start();
        return s;
    }

    /** Forgets the peaks so far: the next figures are the window's. */
    void reset() {
        peakHeap.set(0);
        peakLive.set(0);
        peakRss.set(0);
    }

    long peakHeapBytes() {
        return peakHeap.get();
    }

    long peakLiveBytes() {
        return peakLive.get();
    }

    long peakRssBytes() {
        return peakRss.get();
    }

    /** The process's peak resident set since it started (VmHWM), in bytes; -1 if unknown. */
    static long highWaterRssBytes() {
        return status("VmHWM:");
    }

    static long rssBytes() {
        return status("VmRSS:");
    }

    private void run() {
        var mem = ManagementFactory.getMemoryMXBean();
        var pools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
        for (long n = 0; !Thread.currentThread().isInterrupted(); n++) {
            peakHeap.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
            long live = 0;
            for (var p : pools) {
                var u = p.getCollectionUsage();
                if (u != null) live += u.getUsed();
            }
            peakLive.accumulateAndGet(live, Math::max);
            if (n % RSS_EVERY == 0) peakRss.accumulateAndGet(rssBytes(), Math::max);
            try {
                Thread.sleep(HEAP_EVERY_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** A "Key:   123 kB" line of /proc/self/status, in bytes; -1 if absent (not Linux). */
    private static long status(String key) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith(key)) return 1024 * Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux.
        }
        return -1;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
