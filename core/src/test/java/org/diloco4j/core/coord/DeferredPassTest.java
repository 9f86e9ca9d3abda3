package org.diloco4j.core.coord;

import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.optim.OptimizerState;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Fp32Vector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Coordinator#moreFollow}: a coordinator told that more pushes wait defers a cleared streamed
 * step's pass over θ and runs it with the next arrival's, or the next two's (one pass for two or three), or when θ is read — and
 * answers every push exactly as one that runs each pass at once: the same commands for every push,
 * the same metrics, and after each burst of pushes the same θ and optimizer state, bit for bit. With
 * stale (scaled) arrivals, a corrupt push inside a burst, the N-th arrival (paired with the one before
 * it when N is a power of two, N = 2 included: the first of a buffer is then the one before the N-th;
 * never for N = 3), θ in one array and in chunks.
 */
class DeferredPassTest {
    static final int N = 5003;

    @ParameterizedTest
    @CsvSource({"int8, 4, 0, 31", "int8:chunk=300, 4, 0.1, 31", "int8, 8, 0, 10", "int8:chunk=256, 3, 0.2, 9", "int8, 2, 0, 31",
            "int8:chunk=300, 2, 0.1, 10"})
    void deferredPassesEndWhereImmediateOnesDo(String codec, int bufferSize, double c, int shift) {
        CoordinatorConfig cfg = config(codec, bufferSize, c);
        Run now = new Run(cfg, shift, codec);
        Run deferred = new Run(cfg, shift, codec);
        deferred.c.shareTheta();
        now.c.shareTheta();
        Codec enc = Codecs.parse(codec);
        Random r = new Random(3);
        int k = 0;
        for (int burst = 0; burst < 6; burst++) {
            int size = 2 + burst % 3;
            for (int i = 0; i < size; i++, k++) {
                float[] g = new float[N];
                for (int j = 0; j < N; j++) g[j] = (float) (0.01 * r.nextGaussian());
                byte[] msg = enc.encode(g);
                if (k == 7) msg = StreamedPushTest.corrupt(msg);
                int member = k % 3;
                // More follow in the burst: the last push is told none does.
                deferred.c.moreFollow(i < size - 1);
                List<Command> got = deferred.push(member, msg, k);
                deferred.c.moreFollow(false);
                // A train order's snapshot shares θ, whose values the driver reads only through theta() (which flushes).
                assertThat(got).as("commands of push %d", k).usingRecursiveComparison().ignoringFieldsMatchingRegexes(".*theta\\.(values|shared)")
                        .isEqualTo(now.push(member, msg, k));
                assertThat(deferred.c.version()).isEqualTo(now.c.version());
            }
            deferred.c.flush();
            assertThat(deferred.c.deferredSteps()).isZero();
            assertThat(deferred.c.thetaVector().toArray()).as("θ after burst %d", burst).isEqualTo(now.c.thetaVector().toArray());
            sameState(deferred.c, now.c);
        }
        assertThat(deferred.metrics).isEqualTo(now.metrics);
        assertThat(deferred.metrics).filteredOn(m -> m instanceof Metric.OuterStep s && s.weights().getFirst() != 1.0).isNotEmpty();
        assertThat(deferred.c.sharedPasses()).as("pairs applied").isPositive();
        // N ≥ 4 lets three arrivals in a row pair (N = 2 and 3 do not): a burst of three or four then runs three in one pass.
        if (bufferSize >= 4) assertThat(deferred.c.stepsInSharedPasses()).as("a pass of three pushes").isGreaterThan(2 * deferred.c.sharedPasses());
        else assertThat(deferred.c.stepsInSharedPasses()).isEqualTo(2 * deferred.c.sharedPasses());
        assertThat(now.c.deferrals()).isZero();
    }

    /** Reading θ (or the state for a checkpoint) runs the deferred pass first: nothing outside sees a step counted but not applied. */
    @Test
    void readingThetaOrTheStateRunsTheDeferredPass() {
        CoordinatorConfig cfg = config("int8", 8, 0); // N = 8: none of the three is the N-th's predecessor
        Run now = new Run(cfg, 31, "int8");
        Run deferred = new Run(cfg, 31, "int8");
        deferred.c.shareTheta();
        now.c.shareTheta();
        Codec enc = Codecs.parse("int8");
        Random r = new Random(4);
        for (int k = 0; k < 3; k++) {
            float[] g = new float[N];
            for (int j = 0; j < N; j++) g[j] = (float) (0.01 * r.nextGaussian());
            byte[] msg = enc.encode(g);
            deferred.c.moreFollow(true);
            deferred.push(k % 3, msg, k);
            now.push(k % 3, msg, k);
            if (k == 0) {
                assertThat(deferred.c.deferredSteps()).as("the first push's pass waits").isEqualTo(1);
                assertThat(deferred.c.theta()).isEqualTo(now.c.theta());
            } else {
                assertThat(deferred.c.deferredSteps()).as("push %d deferred (deferrals %d)", k, deferred.c.deferrals()).isPositive();
                Coordinator.State s = deferred.c.view();
                assertThat(deferred.c.deferredSteps()).isZero();
                assertThat(s.outer().theta().toArray()).isEqualTo(now.c.theta());
                sameState(deferred.c, now.c);
            }
        }
        assertThat(deferred.c.deferrals()).isEqualTo(3);
        assertThat(deferred.c.sharedPasses()).as("every pass was flushed by a read before a next arrival").isZero();
    }

    private static CoordinatorConfig config(String codec, int bufferSize, double c) {
        return CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).minWorkers(3).upCodec(codec)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, bufferSize, c)).weighting(new WeightingConfig("uniform", 0.5, -1))
                .maxDeltaNorm(1e6).tokenBudget(1_000_000_000).build();
    }

    private static void sameState(Coordinator a, Coordinator b) {
        OptimizerState x = a.state().outer().optimizers().getFirst();
        OptimizerState y = b.state().outer().optimizers().getFirst();
        assertThat(x.counters()).isEqualTo(y.counters());
        y.buffers().forEach((name, v) -> assertThat(x.buffers().get(name).toArray()).as(name).isEqualTo(v.toArray()));
    }

    /** Three members, θ in chunks of 2^shift (31: one array), pushes as encoded payloads (the streamed path). */
    static final class Run {
        final Coordinator c;
        final List<Metric> metrics = new ArrayList<>();
        final String codec;

        Run(CoordinatorConfig cfg, int shift, String codec) {
            float[] theta = new float[N];
            for (int i = 0; i < N; i++) theta[i] = (float) Math.sin(i);
            this.c = shift == 31 ? new Coordinator(cfg, FragmentPlan.whole(N), theta, metrics::add)
                    : Coordinator.adopting(cfg, FragmentPlan.whole(N), Fp32Vector.copyOf(theta, shift), metrics::add);
            this.codec = codec;
            for (String name : List.of("a", "b", "c")) Answers.handle(c, new Event.Join(name, -1, 0, 0));
        }

        List<Command> push(int member, byte[] msg, int k) {
            long base = c.outstanding(member).getFirst().baseVersion();
            return Answers.handle(c, new Event.Delta(member, member + 1, Answers.AUTO, base, 0, 5, 5, 1,
                    new Payload.Encoded(codec, EncodedSource.of(msg)), 1 + k));
        }
    }
}
