package org.diloco4j.core.coord;

import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Through the coordinator: an async run fed its pushes as {@link Payload.Encoded} (checked, then
 * applied block by block on the ingest pool) ends bit for bit where the same run fed
 * {@link Payload.Bytes} does (a block codec's bytes in memory take the same streamed path; q4,
 * without blocks, is decoded whole both ways; that streaming equals decoding whole and stepping is
 * {@code StreamedDeltaTest}'s) — θ, the
 * optimizer's state, every command and every metric (the outer steps' norms included), with
 * staleness-scaled arrivals, a non-finite push and a corrupt one along the way.
 */
class StreamedPushTest {
    static final int N = 5003;

    @ParameterizedTest
    @CsvSource({"int8:chunk=256, 1, 0", "int8, 3, 0", "int8:chunk=300, 3, 0.25", "fp32, 2, 0.5", "bf16, 1, 1", "q4, 2, 0.25"})
    void encodedPushesEndWhereWholeOnesDo(String codec, int bufferSize, double c) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).minWorkers(2).upCodec(codec)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, bufferSize, c)).weighting(new WeightingConfig("uniform", 0.5, -1))
                .maxDeltaNorm(1e6).tokenBudget(1_000_000_000).build();
        Run whole = new Run(cfg, data -> new Payload.Bytes(codec, data));
        Run streamed = new Run(cfg, data -> new Payload.Encoded(codec, EncodedSource.of(data)));
        Codec enc = Codecs.parse(codec);
        Random r = new Random(9);
        for (int k = 0; k < 12; k++) {
            float[] g = new float[N];
            for (int i = 0; i < N; i++) g[i] = (float) (0.01 * r.nextGaussian());
            byte[] msg = enc.encode(g);
            if (k == 5) msg = Codecs.parse("fp32").name().equals(codec) ? nan(msg) : corrupt(msg);
            int member = k % 2 == 0 ? 0 : 1;
            // Member 1 answers late (staleness ≥ 1, a scaled step); member 0 fresh.
            assertThat(streamed.push(member, msg, k)).as("commands of push %d", k).usingRecursiveComparison().isEqualTo(whole.push(member, msg, k));
            assertThat(streamed.c.theta()).as("θ after push %d", k).isEqualTo(whole.c.theta());
        }
        assertThat(streamed.c.version()).isGreaterThan(8);
        assertThat(streamed.metrics).isEqualTo(whole.metrics);
        assertThat(streamed.metrics).filteredOn(m -> m instanceof Metric.OuterStep s && s.weights().getFirst() != 1.0).isNotEmpty();
        Coordinator.State a = whole.c.state();
        Coordinator.State b = streamed.c.state();
        assertThat(b.outer().optimizers().getFirst().counters()).isEqualTo(a.outer().optimizers().getFirst().counters());
        a.outer().optimizers().getFirst().arrays().forEach((name, v) -> assertThat(b.outer().optimizers().getFirst().buffer(name)).as(name).isEqualTo(v));
    }

    /** Values over several ingest blocks (65536 values each), the last one partial. */
    static final int BLOCKS = 3 * 65536 + 5003;

    /**
     * A NaN or an infinity in the last block of a message of several blocks, where it is found only
     * after every earlier block was read: the push is refused, naming the value and where it is (an
     * fp32 value is NON_FINITE; an int8 table entry does not decode, CORRUPT), and θ and the
     * optimizer's buffers are bit for bit what they were.
     */
    @ParameterizedTest
    @CsvSource({"int8, NaN", "int8, Infinity", "fp32, NaN", "fp32, Infinity"})
    void aNonFiniteValueInTheLastBlockChangesNothing(String codec, String value) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).minWorkers(2).upCodec(codec)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 2, 0.5)).weighting(new WeightingConfig("uniform", 0.5, -1))
                .maxDeltaNorm(1e6).tokenBudget(1_000_000_000).build();
        Run run = new Run(cfg, data -> new Payload.Encoded(codec, EncodedSource.of(data)), BLOCKS);
        Codec enc = Codecs.parse(codec);
        Random r = new Random(11);
        // Good pushes first, so that the momentum and the accumulator hold something to keep.
        for (int k = 0; k < 3; k++) {
            float[] g = new float[BLOCKS];
            for (int i = 0; i < BLOCKS; i++) g[i] = (float) (0.01 * r.nextGaussian());
            assertThat(run.push(k % 2, enc.encode(g), k)).noneMatch(c -> c instanceof Command.Reject);
        }
        float[] theta = run.c.theta().clone();
        long version = run.c.version();
        Coordinator.State before = run.c.state();
        java.util.Map<String, float[]> buffers = new java.util.HashMap<>();
        before.outer().optimizers().getFirst().arrays().forEach((name, v) -> buffers.put(name, v.clone()));
        assertThat(buffers).isNotEmpty();

        float[] g = new float[BLOCKS];
        for (int i = 0; i < BLOCKS; i++) g[i] = (float) (0.01 * r.nextGaussian());
        float bad = value.equals("NaN") ? Float.NaN : Float.POSITIVE_INFINITY;
        byte[] msg = enc.encode(g);
        Refusal code;
        String where;
        if (codec.equals("fp32")) {
            code = Refusal.NON_FINITE;
            where = "index " + (BLOCKS - 1);
            java.nio.ByteBuffer.wrap(msg).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(msg.length - 4, bad);
        } else {
            // int8: header, chunk size, then per chunk of 65536 values a table of 256 fp32 and the codes; every entry of the last table made bad.
            int full = BLOCKS / 65536;
            int table = 12 + full * (1024 + 65536);
            for (int b = 0; b < 256; b++) java.nio.ByteBuffer.wrap(msg).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(table + 4 * b, bad);
            // A bad table entry a value uses is a non-finite value (an unused one would pass): the first is named.
            code = Refusal.NON_FINITE;
            where = String.valueOf(full * 65536);
        }
        List<Command> cmds = run.push(0, msg, 3);
        assertThat(cmds).filteredOn(c -> c instanceof Command.Reject).singleElement().satisfies(c -> {
            Command.Reject rej = (Command.Reject) c;
            assertThat(rej.code()).isEqualTo(code);
            assertThat(rej.reason()).contains(value).contains(where);
        });
        assertThat(run.c.version()).isEqualTo(version);
        assertThat(run.c.theta()).as("θ after the refused push").isEqualTo(theta);
        run.c.state().outer().optimizers().getFirst().arrays().forEach((name, v) -> assertThat(v).as(name).isEqualTo(buffers.get(name)));
    }

    /** An fp32 message with a NaN in its last value. */
    static byte[] nan(byte[] msg) {
        byte[] m = msg.clone();
        m[m.length - 1] = (byte) 0x7F;
        m[m.length - 2] = (byte) 0xC0;
        return m;
    }

    /**
     * The last byte of the first table entry (int8) or scale (q4) set to make it NaN or huge (int8:
     * refused only if a value uses code 0, else let through; either way both runs must agree).
     */
    static byte[] corrupt(byte[] msg) {
        byte[] m = msg.clone();
        m[12] = m[13] = m[14] = m[15] = (byte) 0xFF;
        return m;
    }

    static final class Run {
        final Coordinator c;
        final List<Metric> metrics = new ArrayList<>();
        final Function<byte[], Payload> payload;

        Run(CoordinatorConfig cfg, Function<byte[], Payload> payload) {
            this(cfg, payload, N);
        }

        Run(CoordinatorConfig cfg, Function<byte[], Payload> payload, int n) {
            float[] theta = new float[n];
            for (int i = 0; i < n; i++) theta[i] = (float) Math.sin(i);
            this.c = new Coordinator(cfg, FragmentPlan.whole(n), theta, metrics::add);
            this.payload = payload;
            Answers.handle(c, new Event.Join("a", -1, 0, 0));
            Answers.handle(c, new Event.Join("b", -1, 0, 0));
        }

        List<Command> push(int member, byte[] msg, int k) {
            long base = c.outstanding(member).getFirst().baseVersion();
            return Answers.handle(c, new Event.Delta(member, member + 1, Answers.AUTO, base, 0, 5, 5, 1, payload.apply(msg), 1 + k));
        }
    }
}
