package org.diloco4j.sim;

import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.codec.ThetaDownlink;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.sim.toy.RecordingTrainer;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What crosses the simulated links: θ within its codec's bound, no non-finite pseudo-gradient, error feedback settled. */
class CommunicationSafetyTest {
    static final LinkProfile LINK = LinkProfile.mbps(100, 100, 20);

    /** A toy run whose workers have recording trainers (optionally diverging), from a θ₀ of varied magnitudes. */
    static final class Run {
        final ToyRun toy = new ToyRun(3, 1, 3);
        final Map<String, RecordingTrainer> trainers = new HashMap<>();
        final Map<Integer, String> names = new HashMap<>();
        final float[] theta0;

        Run(SimConfig sc, CoordinatorConfig cc, float poison) {
            int n = toy.problem.size();
            theta0 = new float[n];
            for (int i = 0; i < n; i++) theta0[i] = (float) (0.3 * Math.sin(1.7 * i) + (i % 5 == 0 ? 1e-6 : 0));
            TrainerFactory plain = toy.trainers(16, 0.02);
            toy.run(sc, cc, FragmentPlan.whole(n), theta0.clone(),
                    (spec, shard, mult) -> trainers.computeIfAbsent(spec.name(), k -> new RecordingTrainer(plain.create(spec, shard, mult), poison)));
            for (Command c : toy.commands) if (c instanceof Command.Welcome w) names.put(w.member(), w.name());
        }

        /** The θ snapshots sent to the worker named {@code name}, in order. */
        List<float[]> sentTo(String name) {
            return toy.commands(Command.Train.class).stream().filter(t -> name.equals(names.get(t.member()))).map(t -> t.theta().values()).toList();
        }

        /** Whether the coordinator answered this delivered event with Unapplied. */
        boolean unapplied(Event e) {
            for (int k = 0; k < toy.commands.size(); k++) if (toy.causes.get(k) == e && toy.commands.get(k) instanceof Command.Unapplied) return true;
            return false;
        }
    }

    static SimConfig workers(double maxSeconds, LinkProfile link, double... secondsPerStep) {
        return new SimConfig(ToyRun.workers(link, secondsPerStep), List.of(), 5, 30, 0, maxSeconds);
    }

    /** Every θ a worker loads equals what the coordinator sent, within the down codec's bound; fp32 bit for bit. */
    @Test
    void workersReceiveThetaWithinTheDownCodecsBound() {
        for (String down : List.of("fp32", "bf16", "fp16")) {
            Codec codec = Codecs.parse(down);
            CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(3).downCodec(down)
                    .shards(ToyRun.equalShards(3)).maxOuterSteps(12).build();
            Run run = new Run(workers(0, LINK, 1, 1.3, 2.1), cc, 0);
            int compared = 0;
            double worst = 0;
            for (String w : List.of("w0", "w1", "w2")) {
                List<float[]> sent = run.sentTo(w);
                List<float[]> got = run.trainers.get(w).loaded();
                assertThat(got).hasSameSizeAs(sent);
                for (int k = 0; k < sent.size(); k++) {
                    float[] x = sent.get(k);
                    float[] y = got.get(k);
                    for (int i = 0; i < x.length; i++) {
                        double err = Math.abs((double) y[i] - x[i]);
                        assertThat(err).as("%s: %s got %s for %s", down, w, y[i], x[i]).isLessThanOrEqualTo(ThetaDownlink.bound(codec, x[i]));
                        if (down.equals("fp32")) assertThat(Float.floatToRawIntBits(y[i])).isEqualTo(Float.floatToRawIntBits(x[i]));
                        if (x[i] != 0) worst = Math.max(worst, err / Math.abs(x[i]));
                    }
                    compared++;
                }
            }
            assertThat(compared).isGreaterThanOrEqualTo(12);
            // Lossy downlinks do round (the comparison is not vacuous): bf16 loses up to 2^-8, fp16 up to 2^-11.
            if (!down.equals("fp32")) assertThat(worst).isGreaterThan(down.equals("bf16") ? 0x1p-10 : 0x1p-13);
        }
    }

    /**
     * A worker whose inner loop diverges sends nothing under any codec: the coordinator logs that it
     * has no contribution, with the reason, and θ stays the same bit for bit (fp16 used to turn
     * infinity into 65504 and have it applied; the 4-bit, 8-bit and top-k encoders threw).
     */
    @Test
    void aDivergedWorkerWithholdsItsPseudoGradientUnderEveryCodec() {
        for (String up : List.of("fp32", "fp16", "bf16", "int8", "q4", "fp4", "topk:0.1")) {
            for (boolean ef : new boolean[] {false, true}) {
                CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(1).upCodec(up)
                        .errorFeedback(ef).shards(ToyRun.equalShards(3)).build();
                Run run = new Run(workers(60, LINK, 1), cc, Float.POSITIVE_INFINITY);
                float[] theta = run.toy.simulation.coordinator().theta();
                for (int i = 0; i < theta.length; i++) {
                    assertThat(Float.floatToRawIntBits(theta[i])).as("%s θ[%d]", up, i).isEqualTo(Float.floatToRawIntBits(run.theta0[i]));
                }
                assertThat(run.toy.simulation.coordinator().version()).isZero();
                List<Metric.Decision> drops = run.toy.metrics.stream().filter(m -> m instanceof Metric.Decision d && d.kind() == org.diloco4j.core.coord.DecisionKind.DROP)
                        .map(m -> (Metric.Decision) m).toList();
                assertThat(drops).as(up).hasSizeGreaterThanOrEqualTo(4).allSatisfy(d -> assertThat(d.reason())
                        .contains("has no contribution: pseudo-gradient of fragment 0 has a non-finite value (-Infinity) at index 3"));
                assertThat(run.toy.events).noneMatch(e -> e instanceof Event.Delta);
            }
        }
    }

    /**
     * With error feedback, rounds lost in transit or dropped by the coordinator as too stale are
     * forgotten by the worker: what reached θ plus the residuals the workers carry is the sum of
     * the pseudo-gradients of the rounds that reached θ, to fp32 rounding. (Outer SGD with rate 1
     * and no momentum, so what reached θ is θ₀ − θ.)
     */
    @Test
    void errorFeedbackForgetsLostAndDroppedRounds() {
        for (String up : List.of("q4", "fp4", "topk:0.2")) {
            LinkProfile lossy = new LinkProfile(100e6 / 8, 100e6 / 8, 0.02, 0.3);
            CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(2).upCodec(up)
                    .errorFeedback(true).outer(OuterOptimizerConfig.sgd(1)).weighting(new WeightingConfig("uniform", 0, 0))
                    .shards(ToyRun.equalShards(3)).maxOuterSteps(30).build();
            Run run = new Run(workers(0, lossy, 1, 1.37), cc, 0);

            double[] expected = new double[run.theta0.length];
            int lost = 0;
            int dropped = 0;
            int applied = 0;
            for (String w : List.of("w0", "w1")) {
                int member = run.names.entrySet().stream().filter(e -> e.getValue().equals(w)).findFirst().orElseThrow().getKey();
                List<float[]> deltas = run.trainers.get(w).deltas();
                int round = 0;
                for (Event e : run.toy.events) {
                    if (e instanceof Event.Idle i && i.member() == member) {
                        lost++;
                        round++;
                    } else if (e instanceof Event.Delta d && d.member() == member) {
                        if (run.unapplied(d)) dropped++;
                        else {
                            applied++;
                            float[] delta = deltas.get(round);
                            for (int i = 0; i < expected.length; i++) expected[i] += delta[i];
                        }
                        round++;
                    }
                }
                float[] e = run.toy.simulation.replica(w).residual(0);
                for (int i = 0; i < expected.length; i++) expected[i] -= e[i];
            }
            assertThat(lost).as(up).isPositive();
            assertThat(dropped).as(up).isPositive();
            assertThat(applied).as(up).isEqualTo(30);
            float[] theta = run.toy.simulation.coordinator().theta();
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < theta.length; i++) {
                worst = Math.max(worst, Math.abs((run.theta0[i] - (double) theta[i]) - expected[i]));
                scale = Math.max(scale, Math.abs(expected[i]));
            }
            assertThat(scale).isGreaterThan(1e-2);
            assertThat(worst).as("%s: what reached θ + residuals − Σ applied δ", up).isLessThan(2e-6);
        }
    }
}
