package org.diloco4j.core.coord;

import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.ingest.IngestPool;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 25M-parameter int8 push (25 MB) applied to an async Delayed Nesterov coordinator allocates
 * almost nothing on the heap when it arrives as {@link Payload.Encoded} (checked and applied block
 * by block in per-thread scratch) or as {@link Payload.Bytes} (streamed from memory the same way),
 * counted over every thread (the ingest pool's included); decoding it whole — the path every push
 * took before — allocates its fp32 vector (100 MB), which the same bound refuses.
 */
class StreamedPushHeapTest {
    static final int N = 25_000_000;
    static final long BOUND = 16L << 20;

    private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Bytes allocated so far by each live thread. */
    private static Map<Long, Long> allocated() {
        long[] ids = THREADS.getAllThreadIds();
        long[] bytes = THREADS.getThreadAllocatedBytes(ids);
        Map<Long, Long> out = new HashMap<>();
        for (int i = 0; i < ids.length; i++) if (bytes[i] >= 0) out.put(ids[i], bytes[i]);
        return out;
    }

    private static long since(Map<Long, Long> before) {
        long sum = 0;
        for (Map.Entry<Long, Long> e : allocated().entrySet()) sum += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        return sum;
    }

    @Test
    void aLargeInt8PushIsAppliedWithoutAHeapCopyOfItsValues() {
        // A grace window holds every member that pushed while one still trains, so no push is answered with
        // new work: handing out θ (a snapshot of it, the pull path's cost) is not the ingest measured here.
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC_DN_DYLU).innerSteps(5).minWorkers(4).graceSeconds(1e6).upCodec("int8")
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 4, 0)).weighting(new WeightingConfig("uniform", 0.5, -1))
                .maxDeltaNorm(1e9).tokenBudget(1_000_000_000).build();
        float[] theta = new float[N];
        for (int i = 0; i < N; i++) theta[i] = (i % 1000) * 1e-3f;
        Coordinator c = new Coordinator(cfg, FragmentPlan.whole(N), theta, m -> { });
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        for (String name : List.of("b", "c", "d")) Answers.handle(c, new Event.Join(name, -1, 0, 0));
        float[] g = new float[N];
        for (int i = 0; i < N; i++) g[i] = ((i * 7919) % 2001 - 1000) * 1e-5f;
        Codec int8 = Codecs.parse("int8");
        byte[] msg = int8.encode(g);
        g = null;

        // Warm-up: the pool's threads, their scratch, the JIT.
        push(c, 0, new Payload.Encoded("int8", EncodedSource.of(msg)));
        long version = c.version();

        // Members 1 and 2 answer from version 0: stale, so its step is scaled and its scaled norm computed too.
        Map<Long, Long> before = allocated();
        push(c, 1, new Payload.Encoded("int8", EncodedSource.of(msg)));
        long streamed = since(before);
        assertThat(c.version()).as("applied").isEqualTo(version + 1);
        assertThat(streamed).as("bytes allocated on the heap applying a %d-byte int8 push streamed", msg.length).isLessThan(BOUND);

        // In memory, the same: block codecs are streamed from a byte array too.
        before = allocated();
        push(c, 2, new Payload.Bytes("int8", msg));
        long bytes = since(before);
        assertThat(c.version()).as("applied").isEqualTo(version + 2);
        assertThat(bytes).as("bytes allocated on the heap applying a %d-byte int8 push from memory", msg.length).isLessThan(BOUND);

        // The measure sees a whole decode (the path every push took before), made on the ingest pool's threads.
        before = allocated();
        IngestPool.shared().submit(() -> int8.decode(msg, N)).join();
        long whole = since(before);
        assertThat(whole).as("bytes allocated decoding it whole on the pool").isGreaterThan(BOUND).isGreaterThanOrEqualTo(4L * N);
        System.out.printf("heap allocated per 25M-param int8 push: streamed %.1f MB (from memory %.1f MB), whole decode %.1f MB%n", streamed / 1e6, bytes / 1e6, whole / 1e6);
    }

    private static List<Command> push(Coordinator c, int member, Payload p) {
        long base = c.outstanding(member).getFirst().baseVersion();
        return Answers.handle(c, new Event.Delta(member, member + 1, Answers.AUTO, base, 0, 5, 5, 1, p, 1 + c.version()));
    }
}
