package org.diloco4j.core.coord;

import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.io.CheckpointFile;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.ingest.StreamedDelta;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.VectorOps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * θ held in chunks of 2^10 values ends bit for bit where θ held in one array does: the same pushes
 * through a coordinator of each kind, for every outer optimizer (Delayed Nesterov's momentum-update
 * arrivals included), with int8 blocks (300 and 65536 values) and a strided plan's ranges crossing
 * chunk boundaries — θ, the optimizers' buffers and counters, every command and metric.
 */
class ChunkedThetaTest {
    static final int SHIFT = 10;
    /** Five chunks of 1024, the last one partial. */
    static final int N = 4 * 1024 + 907;

    static float[] theta0(int n) {
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = (float) Math.sin(i);
        return t;
    }

    static void assertSameBits(float[] got, float[] want, String what) {
        assertThat(got).as(what).hasSameSizeAs(want);
        for (int i = 0; i < want.length; i++) {
            assertThat(Float.floatToRawIntBits(got[i])).as("%s [%d]", what, i).isEqualTo(Float.floatToRawIntBits(want[i]));
        }
    }

    static void assertSameState(OptimizerState got, OptimizerState want, String what) {
        assertThat(got.kind()).isEqualTo(want.kind());
        assertThat(got.counters()).as(what).isEqualTo(want.counters());
        assertThat(got.buffers().keySet()).isEqualTo(want.buffers().keySet());
        want.buffers().forEach((name, b) -> assertSameBits(got.buffers().get(name).toArray(), b.toArray(), what + " " + name));
    }

    /** A coordinator run on θ in one array and the same run on θ in chunks, pushed alike. */
    static final class Pair {
        final List<Metric> wholeMetrics = new ArrayList<>();
        final List<Metric> chunkedMetrics = new ArrayList<>();
        final Coordinator whole;
        final Coordinator chunked;
        final Function<byte[], Payload> payload;

        Pair(CoordinatorConfig cfg, Function<byte[], Payload> payload) {
            float[] t = theta0(N);
            whole = new Coordinator(cfg, FragmentPlan.whole(N), t, wholeMetrics::add);
            chunked = Coordinator.adopting(cfg, FragmentPlan.whole(N), Fp32Vector.copyOf(t, SHIFT), chunkedMetrics::add);
            this.payload = payload;
            for (String name : List.of("a", "b")) {
                assertThat(Answers.handle(chunked, new Event.Join(name, -1, 0, 0))).usingRecursiveComparison()
                        .isEqualTo(Answers.handle(whole, new Event.Join(name, -1, 0, 0)));
            }
        }

        void push(int member, byte[] msg, double at) {
            long base = whole.outstanding(member).getFirst().baseVersion();
            List<Command> w = Answers.handle(whole, new Event.Delta(member, member + 1, Answers.AUTO, base, 0, 5, 5, 1, payload.apply(msg), at));
            List<Command> c = Answers.handle(chunked, new Event.Delta(member, member + 1, Answers.AUTO, base, 0, 5, 5, 1, payload.apply(msg), at));
            assertThat(c).as("commands at %s", at).usingRecursiveComparison().isEqualTo(w);
            assertSameBits(chunked.thetaVector().toArray(), whole.theta(), "θ after the push at " + at);
        }

        void assertSame() {
            assertThat(chunked.thetaVector().chunkCount()).isEqualTo(5);
            assertThat(chunkedMetrics).isEqualTo(wholeMetrics);
            assertThat(chunked.version()).isEqualTo(whole.version()).isGreaterThan(3);
            assertSameState(chunked.state().outer().optimizers().getFirst(), whole.state().outer().optimizers().getFirst(), "optimizer");
            // The checkpoint of the chunked coordinator is the one-array coordinator's, byte for byte.
            try {
                assertThat(CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, chunked.state(), Map.of()))
                        .isEqualTo(CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, whole.state(), Map.of()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    static float[] gradient(Random r, int n) {
        float[] g = new float[n];
        for (int i = 0; i < n; i++) g[i] = (float) (0.01 * r.nextGaussian());
        return g;
    }

    /** Async: each push applied on arrival, block by block (streamed) or decoded whole, with stale (scaled) arrivals. */
    @ParameterizedTest
    @CsvSource({"int8:chunk=300, dn, 3, 0", "int8, dn, 2, 0.25", "int8:chunk=300, dn, 1, 0", "fp32, dn, 2, 0.5",
            "int8:chunk=300, nesterov, 1, 0", "int8, momentum, 1, 0", "bf16, sgd, 1, 0"})
    void asyncPushesOnChunkedThetaEndAsOnOneArray(String codec, String kind, int bufferSize, double c) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).minWorkers(2).upCodec(codec)
                .outer(optimizer(kind, bufferSize, c)).weighting(new WeightingConfig("uniform", 0.5, -1))
                .maxDeltaNorm(1e6).tokenBudget(1_000_000_000).build();
        Pair run = new Pair(cfg, data -> new Payload.Encoded(codec, EncodedSource.of(data)));
        Codec enc = Codecs.parse(codec);
        Random r = new Random(9);
        for (int k = 0; k < 10; k++) run.push(k % 2, enc.encode(gradient(r, N)), 1 + k);
        run.assertSame();
    }

    /** Rounds: both members' pseudo-gradients averaged, then one outer step of each synchronous optimizer. */
    @ParameterizedTest
    @CsvSource({"nesterov", "momentum", "sgd"})
    void syncRoundsOnChunkedThetaEndAsOnOneArray(String kind) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).minWorkers(2).upCodec("fp32")
                .outer(optimizer(kind, 1, 0)).maxDeltaNorm(1e6).tokenBudget(1_000_000_000).build();
        Pair run = new Pair(cfg, data -> new Payload.Bytes("fp32", data));
        Codec enc = Codecs.parse("fp32");
        Random r = new Random(5);
        for (int k = 0; k < 8; k++) run.push(k % 2, enc.encode(gradient(r, N)), 1 + k);
        run.assertSame();
    }

    static OuterOptimizerConfig optimizer(String kind, int bufferSize, double c) {
        return switch (kind) {
            case "dn" -> OuterOptimizerConfig.delayedNesterov(0.7, 0.9, bufferSize, c);
            case "nesterov" -> OuterOptimizerConfig.nesterov(0.7, 0.9);
            case "momentum" -> OuterOptimizerConfig.momentum(0.7, 0.9);
            case "sgd" -> OuterOptimizerConfig.sgd(0.7);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /**
     * Streaming's fragments: two strided fragments whose ranges start and end inside chunks and span
     * them, stepped by dense pseudo-gradients and by int8 messages read block by block, then a step
     * that overflows and is undone — on θ in chunks and on θ in one array, for every optimizer.
     */
    @Test
    void fragmentsOfRangesAcrossChunksStepAndUndoAsOnOneArray() {
        // Fragment 0: [0, 1500) and [2500, 4400); fragment 1: [1500, 2500) and [4400, N).
        Fragment f0 = new Fragment(0, List.of(new Range(0, 1500), new Range(2500, 1900)));
        Fragment f1 = new Fragment(1, List.of(new Range(1500, 1000), new Range(4400, N - 4400)));
        FragmentPlan plan = new FragmentPlan(List.of(f0, f1), List.of("a", "b"), N);
        for (OuterOptimizerConfig opt : List.of(OuterOptimizerConfig.sgd(0.7), OuterOptimizerConfig.nesterov(0.7, 0.9),
                OuterOptimizerConfig.momentum(0.7, 0.9), OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0),
                OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 2, 0.25))) {
            float[] t = theta0(N);
            OuterState one = new OuterState(t.clone(), plan, opt);
            OuterState chunked = new OuterState(Fp32Vector.copyOf(t, SHIFT), plan, opt);
            Random r = new Random(7);
            Codec int8 = Codecs.parse("int8:chunk=300");
            for (int k = 0; k < 7; k++) {
                int p = k % 2;
                int n = plan.fragment(p).arraySize();
                float[] g = gradient(r, n);
                if (k % 3 == 2) {
                    byte[] msg = int8.encode(g);
                    float factor = 0.5f;
                    assertThat(chunked.applyStreamed(p, scanned(int8, msg, n), factor, true, 1, null))
                            .isEqualTo(one.applyStreamed(p, scanned(int8, msg, n), factor, true, 1, null)).isTrue();
                } else {
                    assertThat(chunked.apply(p, g.clone(), VectorOps.norm2(g))).isEqualTo(one.apply(p, g.clone(), VectorOps.norm2(g))).isTrue();
                }
                assertSameBits(chunked.theta().toArray(), one.theta().array(), opt + " θ after step " + k);
            }
            // Steps of ±3e38 until one would leave θ infinite: that one is undone, on both.
            float[] huge = new float[f0.arraySize()];
            Arrays.fill(huge, 3e38f);
            huge[1] = -3e38f;
            OuterState.State before;
            for (int k = 0; ; k++) {
                assertThat(k).as("%s: a step of 3e38 overflows within 10", opt).isLessThan(10);
                before = chunked.state();
                boolean applied = chunked.apply(0, huge, VectorOps.norm2(huge));
                assertThat(one.apply(0, huge, VectorOps.norm2(huge))).isEqualTo(applied);
                if (!applied) break;
            }
            assertSameBits(chunked.theta().toArray(), before.theta().toArray(), opt + " θ after the undone step");
            assertSameBits(chunked.theta().toArray(), one.theta().array(), opt + " θ after the undone step, one array");
            for (int p = 0; p < 2; p++) {
                assertSameState(chunked.state().optimizers().get(p), one.state().optimizers().get(p), opt + " fragment " + p);
                assertSameState(chunked.state().optimizers().get(p), before.optimizers().get(p), opt + " undone fragment " + p);
            }
        }
    }

    private static StreamedDelta scanned(Codec codec, byte[] msg, int n) {
        StreamedDelta d = new StreamedDelta(codec.blocks(), EncodedSource.of(msg), n);
        assertThat(d.scan(null).finite()).isTrue();
        return d;
    }

    /** DDP's θ ← θ − g over every chunk, and its undo. */
    @Test
    void subtractOnChunkedThetaIsSubtractOnOneArray() {
        float[] t = theta0(N);
        OuterState one = new OuterState(t.clone(), FragmentPlan.whole(N), OuterOptimizerConfig.sgd(1));
        OuterState chunked = new OuterState(Fp32Vector.copyOf(t, SHIFT), FragmentPlan.whole(N), OuterOptimizerConfig.sgd(1));
        float[] g = gradient(new Random(3), N);
        assertThat(chunked.subtract(g, VectorOps.norm2(g))).isTrue();
        assertThat(one.subtract(g, VectorOps.norm2(g))).isTrue();
        assertSameBits(chunked.theta().toArray(), one.theta().array(), "θ − g");
        // 3e38 in the last chunk: once is finite, twice is not, so the second is undone.
        float[] huge = new float[N];
        huge[N - 1] = 3e38f;
        assertThat(chunked.subtract(huge, VectorOps.norm2(huge))).isTrue();
        float[] once = chunked.theta().toArray();
        assertThat(chunked.subtract(huge, VectorOps.norm2(huge))).isFalse();
        assertSameBits(chunked.theta().toArray(), once, "θ after an undone subtract");
        assertThat(once[N - 1]).isEqualTo(Math.fma(3e38f, -1f, t[N - 1]));
    }

    /**
     * A checkpoint view of a chunked coordinator shares θ's chunks and the optimizers' chunks (no
     * copy) and writes the same file as a copy; what still needs θ as one array says so.
     */
    @Test
    void aChunkedCoordinatorsViewSharesItsChunksAndOneArrayViewsAreRefused() throws java.io.IOException {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).minWorkers(2)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 2, 0)).maxDeltaNorm(1e6).build();
        Pair run = new Pair(cfg, data -> new Payload.Bytes("fp32", data));
        Random r = new Random(2);
        for (int k = 0; k < 3; k++) run.push(k % 2, Codecs.parse("fp32").encode(gradient(r, N)), 1 + k);
        Coordinator c = run.chunked;
        assertThat(c.parameters()).isEqualTo(N);
        Coordinator.State view = c.view();
        assertThat(view.outer().theta()).as("a checkpoint view shares θ's chunks").isSameAs(c.thetaVector());
        Fp32Vector momentum = view.outer().optimizers().getFirst().buffers().get("momentum");
        assertThat(momentum.chunkCount()).isEqualTo(5);
        assertThat(c.view().outer().optimizers().getFirst().buffers().get("momentum").chunk(3)).as("the optimizer's own chunk").isSameAs(momentum.chunk(3));
        assertThat(CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, view, Map.of()))
                .isEqualTo(CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, c.state(), Map.of()));
        org.assertj.core.api.Assertions.assertThatThrownBy(c::theta).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in 5 chunks is not one float[]");
        org.assertj.core.api.Assertions.assertThatThrownBy(view::savedTheta).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("in 5 chunks is not one float[]");
    }

    /** A chunked coordinator's state, adopted (its chunks held as they are) and restored, continues as the one-array run. */
    @Test
    void aChunkedCoordinatorAdoptedFromItsStateContinuesTheSame() throws java.io.IOException {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).minWorkers(2).upCodec("int8:chunk=300")
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 3, 0)).weighting(new WeightingConfig("uniform", 0.5, -1))
                .maxDeltaNorm(1e6).tokenBudget(1_000_000_000).build();
        Pair run = new Pair(cfg, data -> new Payload.Encoded("int8:chunk=300", EncodedSource.of(data)));
        Codec enc = Codecs.parse("int8:chunk=300");
        Random r = new Random(4);
        for (int k = 0; k < 4; k++) run.push(k % 2, enc.encode(gradient(r, N)), 1 + k);
        Coordinator.State saved = run.chunked.state();
        Fp32Vector savedTheta = saved.outer().theta();
        Coordinator adopted = Coordinator.adopt(cfg, FragmentPlan.whole(N), saved, m -> { });
        assertThat(adopted.thetaVector()).as("θ is the state's vector").isSameAs(savedTheta);
        Coordinator restored = Coordinator.restore(cfg, FragmentPlan.whole(N), run.chunked.state(), m -> { });
        assertThat(restored.thetaVector().chunkCount()).isEqualTo(5);
        // A file read back holds θ as one array (it fits one): adopted from it, the run goes on alike too.
        Coordinator.State read = CheckpointFile.read(CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, run.chunked.view(), Map.of()),
                "test", CheckpointFile.Kind.COORDINATOR, Coordinator.State.class).state();
        Coordinator fromFile = Coordinator.adopt(cfg, FragmentPlan.whole(N), read, m -> { });
        assertThat(fromFile.thetaVector().chunkCount()).isEqualTo(1);
        for (int k = 4; k < 9; k++) {
            byte[] msg = enc.encode(gradient(r, N));
            run.push(k % 2, msg, 1 + k);
            for (Coordinator x : List.of(adopted, restored, fromFile)) {
                long base = x.outstanding(k % 2).getFirst().baseVersion();
                Answers.handle(x, new Event.Delta(k % 2, k % 2 + 1, Answers.AUTO, base, 0, 5, 5, 1, new Payload.Encoded("int8:chunk=300", EncodedSource.of(msg)), 1 + k));
                assertSameBits(x.thetaVector().toArray(), run.whole.theta(), "θ after push " + k);
            }
        }
        for (Coordinator x : List.of(adopted, restored, fromFile)) {
            assertSameState(x.state().outer().optimizers().getFirst(), run.whole.state().outer().optimizers().getFirst(), "optimizer");
        }
    }

    /**
     * A coordinator of more than 2^31 − 9 parameters is built (timing-only here: 3·10^9 real values
     * would be 12 GB), its θ's length kept as a long; only the one-array length is refused, naming it.
     */
    @Test
    void aCoordinatorPast2To31ParametersIsBuilt() {
        long third = 1_000_000_000L;
        FragmentPlan plan = new FragmentPlan(List.of(new Fragment(0, List.of(new Range(0, third))), new Fragment(1, List.of(new Range(third, third))),
                new Fragment(2, List.of(new Range(2 * third, third)))), List.of("a", "b", "c"), 3 * third);
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.STREAMING).innerSteps(5).build();
        Coordinator c = new Coordinator(cfg, plan, null, m -> { });
        assertThat(c.parameters()).isEqualTo(3 * third);
        org.assertj.core.api.Assertions.assertThatThrownBy(c::size).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the coordinator's θ has 3000000000 values");
    }
}
