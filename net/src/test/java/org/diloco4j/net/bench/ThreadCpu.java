package org.diloco4j.net.bench;

import java.lang.management.ManagementFactory;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU time of each live thread of this JVM at one instant, by {@link ThreadCpu.Group}: where the
 * coordinator's CPU-seconds go. Threads that end within a window take their time with them (the
 * coordinator's threads live for the whole run); the JVM's own threads (GC, JIT compilers) are not
 * Java threads, so they are what the process spent beyond all Java threads.
 */
final class ThreadCpu {
    /** Which part of the coordinator a thread belongs to, by its name. */
    enum Group {
        /** {@code diloco-coordinator}: the single thread that touches the coordinator's state. */
        EVENT_LOOP,
        /** The shared ingest ForkJoinPool (core/ingest IngestPool): decode and apply spread over the cores. */
        INGEST_POOL,
        /** gRPC's executor ({@code diloco-grpc}: reassembly, spooling) and Netty's event loops (wire, TLS, framing). */
        GRPC,
        /** {@code diloco-checkpoint}: checkpoint files. */
        CHECKPOINT,
        /** Every other Java thread (timers, background evaluation, the bench's own sampler). */
        OTHER,
        /** Not a Java thread: GC and JIT (process CPU time minus all Java threads'). */
        JVM;

        String key() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Group of(String thread) {
            if (thread.equals("diloco-coordinator")) return EVENT_LOOP;
            if (thread.startsWith("ForkJoinPool-")) return INGEST_POOL;
            if (thread.startsWith("diloco-grpc") || thread.startsWith("grpc-") || thread.contains("EventLoop")) return GRPC;
            if (thread.equals("diloco-checkpoint")) return CHECKPOINT;
            return OTHER;
        }
    }

    /**
     * The {@link Group#GRPC} group's two halves over a window, in CPU-seconds.
     *
     * @param executor gRPC's executor ({@code diloco-grpc}): parsing a push's messages, reassembly, CRC, spool writes
     * @param netty    Netty's event loops and gRPC's own threads: socket reads and writes, HTTP/2 framing
     */
    record Transport(double executor, double netty) {
    }

    /** Thread id to its name and CPU nanoseconds. */
    private final Map<Long, Long> nanos;
    private final Map<Long, String> names;

    private ThreadCpu(Map<Long, Long> nanos, Map<Long, String> names) {
        this.nanos = nanos;
        this.names = names;
    }

    static ThreadCpu now() {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Map<Long, Long> nanos = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (var info : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (info == null) continue; // ended meanwhile
            long t = mx.getThreadCpuTime(info.getThreadId());
            if (t < 0) continue;
            nanos.put(info.getThreadId(), t);
            names.put(info.getThreadId(), info.getThreadName());
        }
        return new ThreadCpu(nanos, names);
    }

    /**
     * CPU-seconds per group between {@code start} and this instant; {@code processSeconds} (the
     * process's CPU time over the same window) gives {@link Group#JVM} as what the Java threads do not explain.
     */
    Map<Group, Double> since(ThreadCpu start, double processSeconds) {
        Map<Group, Double> by = new EnumMap<>(Group.class);
        for (Group g : Group.values()) by.put(g, 0.0);
        double java = 0;
        for (var e : nanos.entrySet()) {
            double s = (e.getValue() - start.nanos.getOrDefault(e.getKey(), 0L)) / 1e9;
            by.merge(Group.of(names.get(e.getKey())), s, Double::sum);
            java += s;
        }
        by.put(Group.JVM, processSeconds - java);
        return by;
    }

    /** The gRPC group's CPU-seconds between {@code start} and this instant, split as {@link Transport}. */
    Transport transport(ThreadCpu start) {
        double executor = 0;
        double netty = 0;
        for (var e : nanos.entrySet()) {
            String name = names.get(e.getKey());
            if (Group.of(name) != Group.GRPC) continue;
            double s = (e.getValue() - start.nanos.getOrDefault(e.getKey(), 0L)) / 1e9;
            if (name.startsWith("diloco-grpc")) executor += s;
            else netty += s;
        }
        return new Transport(executor, netty);
    }
}
