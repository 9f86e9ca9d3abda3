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
import org.diloco4j.sim.toy.ToyProblem;
import org.diloco4j.sim.toy.ToyTrainer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What crosses the simulated links: θ within its codec's bound, no non-finite pseudo-gradient, error feedback settled. */
class CommunicationSafetyTest {
    static final ToyProblem PROBLEM = new ToyProblem(32, 8, new double[] {1, 1, 1}, 1, 0.1, 3);
    static final LinkProfile LINK = LinkProfile.mbps(100, 100, 20);

    /** Everything one simulated run did, with each worker's recording trainer. */
    static final class Run {
        final Map<String, RecordingTrainer> trainers = new HashMap<>();
        final List<Event> events = new ArrayList<>();
        final List<Command> commands = new ArrayList<>();
        final List<Metric> metrics = new ArrayList<>();
        final Map<Integer, String> names = new HashMap<>();
        /** Delivered pseudo-gradients the coordinator answered with Unapplied. */
        final java.util.Set<Event> unapplied = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Simulation sim;
        float[] theta0;

        Run(SimConfig sc, CoordinatorConfig cc, float poison) {
            theta0 = new float[PROBLEM.size()];
            for (int i = 0; i < theta0.length; i++) theta0[i] = (float) (0.3 * Math.sin(1.7 * i) + (i % 5 == 0 ? 1e-6 : 0));
            TrainerFactory f = (spec, shard, mult) -> trainers.computeIfAbsent(spec.name(),
                    k -> new RecordingTrainer(new ToyTrainer(PROBLEM, shard, 16, 0.02, 1000 + k.hashCode()), poison));
            sim = new Simulation(sc, cc, FragmentPlan.whole(PROBLEM.size()), theta0.clone(), f, null, metrics::add);
            sim.tap(new Tap() {
                @Override
                public void event(Event e) {
                    events.add(e);
                }

                @Override
                public void command(Command c, double time) {
                    commands.add(c);
                    if (c instanceof Command.Welcome w) names.put(w.member(), w.name());
                    if (c instanceof Command.Unapplied) unapplied.add(events.getLast());
                }
            });
            sim.run();
        }

        /** The θ snapshots sent to the worker named {@code name}, in order. */
        List<float[]> sentTo(String name) {
            List<float[]> out = new ArrayList<>();
            for (Command c : commands) if (c instanceof Command.Train t && name.equals(names.get(t.member()))) out.add(t.theta().values());
            return out;
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
                List<float[]> got = run.trainers.get(w).loaded;
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
                float[] theta = run.sim.coordinator().theta();
                for (int i = 0; i < theta.length; i++) {
                    assertThat(Float.floatToRawIntBits(theta[i])).as("%s θ[%d]", up, i).isEqualTo(Float.floatToRawIntBits(run.theta0[i]));
                }
                assertThat(run.sim.coordinator().version()).isZero();
                List<Metric.Decision> drops = run.metrics.stream().filter(m -> m instanceof Metric.Decision d && d.kind().equals("drop"))
                        .map(m -> (Metric.Decision) m).toList();
                assertThat(drops).as(up).hasSizeGreaterThanOrEqualTo(4).allSatisfy(d -> assertThat(d.reason())
                        .contains("has no contribution: pseudo-gradient of fragment 0 has a non-finite value (-Infinity) at index 3"));
                assertThat(run.events).noneMatch(e -> e instanceof Event.Delta);
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

            double[] expected = new double[PROBLEM.size()];
            int lost = 0;
            int dropped = 0;
            int applied = 0;
            for (String w : List.of("w0", "w1")) {
                int member = run.names.entrySet().stream().filter(e -> e.getValue().equals(w)).findFirst().orElseThrow().getKey();
                List<float[]> deltas = run.trainers.get(w).deltas;
                int round = 0;
                for (int k = 0; k < run.events.size(); k++) {
                    Event e = run.events.get(k);
                    if (e instanceof Event.Idle i && i.member() == member) {
                        lost++;
                        round++;
                    } else if (e instanceof Event.Delta d && d.member() == member) {
                        if (run.unapplied.contains(d)) dropped++;
                        else {
                            applied++;
                            float[] delta = deltas.get(round);
                            for (int i = 0; i < expected.length; i++) expected[i] += delta[i];
                        }
                        round++;
                    }
                }
                float[] e = run.sim.replica(w).residual(0);
                for (int i = 0; i < expected.length; i++) expected[i] -= e[i];
            }
            assertThat(lost).as(up).isPositive();
            assertThat(dropped).as(up).isPositive();
            assertThat(applied).as(up).isEqualTo(30);
            float[] theta = run.sim.coordinator().theta();
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
