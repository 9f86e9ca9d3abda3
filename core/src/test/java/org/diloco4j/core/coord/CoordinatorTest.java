package org.diloco4j.core.coord;

import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.train.GlobalProgress;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The state machine on hand-written events: no simulator, no clock. */
class CoordinatorTest {
    static final int N = 8;
    final List<Metric> metrics = new ArrayList<>();

    Coordinator coordinator(CoordinatorConfig cfg) {
        float[] theta = new float[N];
        for (int i = 0; i < N; i++) theta[i] = i;
        return new Coordinator(cfg, FragmentPlan.whole(N), theta, metrics::add);
    }

    static Payload fp32(float... v) {
        return new Payload.Bytes("fp32", Codecs.parse("fp32").encode(v));
    }

    static float[] filled(float v) {
        float[] a = new float[N];
        java.util.Arrays.fill(a, v);
        return a;
    }

    static <T> List<T> of(List<Command> cmds, Class<T> type) {
        return cmds.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** A join the coordinator refuses is answered with a command the driver acts on, not only a record. */
    @Test
    void joinsForAShardTheRunDoesNotHaveAreRejectedWithTheirCode() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).shards(DataShards.own(100, 300)).build();
        Coordinator c = coordinator(cfg);
        for (Event.Join j : List.of(new Event.Join("a", 2, 0, 0), new Event.Join("b", 0, -1, 0))) {
            assertThat(Answers.handle(c, j)).singleElement().isInstanceOfSatisfying(Command.Reject.class, r -> {
                assertThat(r.member()).isEqualTo(-1);
                assertThat(r.code()).isEqualTo(Refusal.BAD_SHARD);
                assertThat(r.reason()).contains("'" + j.name() + "'");
            });
        }
        assertThat(c.memberCount()).isZero();
    }

    @Test
    void syncRoundWaitsForEveryoneThenAppliesTheWeightedMean() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).minWorkers(2)
                .outer(OuterOptimizerConfig.sgd(1.0)).weighting(new WeightingConfig("shard-size", 0, -1))
                .shards(DataShards.own(100, 300)).build();
        Coordinator c = coordinator(cfg);
        assertThat(of(Answers.handle(c, new Event.Join("a", 0, 100, 0)), Command.Train.class)).isEmpty();
        List<Command> start = Answers.handle(c, new Event.Join("b", 1, 300, 1));
        List<Command.Train> trains = of(start, Command.Train.class);
        assertThat(trains).extracting(Command.Train::member).containsExactly(0, 1);
        assertThat(trains).extracting(Command.Train::steps).containsOnly(5);
        assertThat(trains).extracting(Command.Train::shard).containsExactly(0, 1);

        float[] before = c.theta().clone();
        List<Command> first = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 50, 1, fp32(filled(1)), 2));
        assertThat(first).isEmpty();
        assertThat(c.theta()).isEqualTo(before);
        List<Command> second = Answers.handle(c, new Event.Delta(1, 2, Answers.AUTO, 0, 0, 5, 50, 1, fp32(filled(2)), 3));
        // Shard-size weights 1/4 and 3/4: Δ = 0.25·1 + 0.75·2 = 1.75; SGD(lr=1): θ ← θ − Δ.
        for (int i = 0; i < N; i++) assertThat(c.theta()[i]).isEqualTo(before[i] - 1.75f);
        assertThat(c.version()).isEqualTo(1);
        assertThat(of(second, Command.Train.class)).extracting(Command.Train::version).containsOnly(1L);
        Metric.OuterStep step = (Metric.OuterStep) metrics.stream().filter(m -> m instanceof Metric.OuterStep).findFirst().orElseThrow();
        assertThat(step.weights()).containsExactly(0.25, 0.75);
        assertThat(step.tokens()).isEqualTo(100);
    }

    @Test
    void fedAvgIsSgdWithUnitRateOnTheMeanPseudoGradient() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(1).minWorkers(3)
                .outer(OuterOptimizerConfig.sgd(1.0)).weighting(WeightingConfig.uniform()).build();
        Coordinator c = coordinator(cfg);
        float[] theta0 = c.theta().clone();
        for (int w = 0; w < 3; w++) Answers.handle(c, new Event.Join("w" + w, -1, 0, 0));
        float[][] replicas = {filled(3), filled(-1), filled(7)};
        for (int w = 0; w < 3; w++) {
            float[] delta = new float[N];
            for (int i = 0; i < N; i++) delta[i] = theta0[i] - replicas[w][i];
            Answers.handle(c, new Event.Delta(w, w + 1, Answers.AUTO, 0, 0, 1, 1, 1, fp32(delta), 1));
        }
        for (int i = 0; i < N; i++) assertThat(c.theta()[i]).isCloseTo(3f, org.assertj.core.api.Assertions.within(1e-5f));
    }

    @Test
    void badMessagesAreRejectedWithAReasonAndLeaveThetaUnchanged() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).maxDeltaNorm(100).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        float[] before = c.theta().clone();
        float[] nan = filled(0);
        nan[3] = Float.NaN;
        byte[] good = Codecs.parse("fp32").encode(filled(1));
        byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
        Object[][] cases = {
                {new Event.Delta(9, 1, Answers.NEVER_ISSUED, 0, 0, 5, 5, 1, fp32(filled(1)), 1), "unknown or evicted member 9", Refusal.NOT_A_MEMBER},
                {new Event.Delta(0, 7, Answers.OUTSTANDING, 0, 0, 5, 5, 1, fp32(filled(1)), 1), "fenced", Refusal.NOT_A_MEMBER},
                {new Event.Delta(0, 1, Answers.OUTSTANDING, 0, 3, 5, 5, 1, fp32(filled(1)), 1), "is for fragment 0 from v0, not fragment 3", Refusal.REPLAY},
                {new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, new Payload.Bytes("bf16", Codecs.parse("bf16").encode(filled(1))), 1), "codec 'bf16'", Refusal.MALFORMED},
                {new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, fp32(new float[N + 1]), 1), "payload of", Refusal.MALFORMED},
                {new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, new Payload.Bytes("fp32", truncated), 1), "payload of", Refusal.MALFORMED},
                {new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, fp32(nan), 1), "non-finite value (NaN) at index 3", Refusal.NON_FINITE},
                {new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1000)), 1), "exceeds the bound", Refusal.NORM_BOUND},
                {new Event.Delta(0, 1, Answers.OUTSTANDING, 5, 0, 5, 5, 1, fp32(filled(1)), 1), "not fragment 0 from v5", Refusal.REPLAY},
                {new Event.Delta(0, 1, Answers.AUTO, 0, 0, -5, 5, 1, fp32(filled(1)), 1), "negative steps", Refusal.MALFORMED},
        };
        for (Object[] k : cases) {
            metrics.clear();
            List<Command> out = Answers.handle(c, (Event) k[0]);
            List<Command.Reject> rejects = of(out, Command.Reject.class);
            assertThat(rejects).as("%s", k[1]).hasSize(1);
            assertThat(rejects.get(0).reason()).contains((String) k[1]);
            assertThat(rejects.get(0).code()).as("%s", k[1]).isEqualTo(k[2]);
            assertThat(metrics).anyMatch(m -> m instanceof Metric.Decision d && d.kind() == DecisionKind.REJECT && d.reason().contains((String) k[1]));
            assertThat(c.theta()).isEqualTo(before);
            assertThat(c.version()).isZero();
        }
    }

    @Test
    void corruptBytesOfTheRightLengthAreRejectedByTheCodec() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        byte[] bytes = Codecs.parse("fp32").encode(filled(1));
        bytes[0] ^= 0x5A; // header
        List<Command> out = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, new Payload.Bytes("fp32", bytes), 1));
        assertThat(of(out, Command.Reject.class)).singleElement().satisfies(r -> {
            assertThat(r.reason()).startsWith("undecodable");
            assertThat(r.code()).isEqualTo(Refusal.CORRUPT);
        });
        // The rejected worker is handed new work from the unchanged θ.
        assertThat(of(out, Command.Train.class)).singleElement().satisfies(t -> assertThat(t.version()).isZero());
    }

    @Test
    void stalenessRules() {
        CoordinatorConfig drop = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5)
                .outer(OuterOptimizerConfig.sgd(1)).weighting(new WeightingConfig("uniform", 0, 1)).build();
        Coordinator c = coordinator(drop);
        for (int w = 0; w < 3; w++) Answers.handle(c, new Event.Join("w" + w, -1, 0, 0));
        Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1)), 1));
        Answers.handle(c, new Event.Delta(1, 2, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1)), 2)); // staleness 1: applied
        float[] before = c.theta().clone();
        Answers.handle(c, new Event.Delta(2, 3, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1)), 3)); // staleness 2 > 1: dropped
        assertThat(c.theta()).isEqualTo(before);
        assertThat(metrics).anyMatch(m -> m instanceof Metric.Decision d && d.kind() == DecisionKind.DROP && d.reason().contains("staleness 2"));

        metrics.clear();
        CoordinatorConfig scaled = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5)
                .outer(OuterOptimizerConfig.sgd(1)).weighting(new WeightingConfig("uniform", 0.5, -1)).build();
        Coordinator s = coordinator(scaled);
        for (int w = 0; w < 4; w++) Answers.handle(s, new Event.Join("w" + w, -1, 0, 0));
        for (int w = 0; w < 3; w++) Answers.handle(s, new Event.Delta(w, w + 1, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(0)), 1));
        float[] b = s.theta().clone();
        Answers.handle(s, new Event.Delta(3, 4, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1)), 2)); // staleness 3 → weight 1/2
        for (int i = 0; i < N; i++) assertThat(s.theta()[i]).isEqualTo(b[i] - 0.5f);
    }

    @Test
    void graceWindowRestartsEarlyFinishersFromOneTheta() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).graceSeconds(2).build();
        Coordinator c = coordinator(cfg);
        for (int w = 0; w < 3; w++) Answers.handle(c, new Event.Join("w" + w, -1, 0, 0));
        List<Command> a = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1)), 10));
        Command.SetTimer timer = of(a, Command.SetTimer.class).get(0);
        assertThat(timer.at()).isEqualTo(12.0);
        assertThat(of(a, Command.Train.class)).isEmpty();
        assertThat(of(Answers.handle(c, new Event.Delta(1, 2, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1)), 11)), Command.Train.class)).isEmpty();
        List<Command.Train> restart = of(Answers.handle(c, new Event.Timer(timer.key(), 12)), Command.Train.class);
        assertThat(restart).extracting(Command.Train::member).containsExactly(0, 1);
        assertThat(restart).extracting(Command.Train::version).containsOnly(2L);
        assertThat(restart.get(0).theta()).isSameAs(restart.get(1).theta());
    }

    @Test
    void ddpCountsOneFp32AllReducePerStepAndCopiesTheReplica() {
        // Shard-size weighting (the non-iid default) must not drop the one DDP member, which has no shard of its own.
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DDP).innerSteps(10).ddpWorkers(4)
                .weighting(new WeightingConfig("shard-size", 0, -1)).shards(DataShards.own(100, 100, 100, 100)).build();
        Coordinator c = coordinator(cfg);
        List<Command> start = Answers.handle(c, new Event.Join("ddp", -1, 0, 0));
        assertThat(of(start, Command.Train.class)).hasSize(1);
        float[] before = c.theta().clone();
        Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 10, 640, 1, fp32(filled(0.5f)), 1));
        for (int i = 0; i < N; i++) assertThat(c.theta()[i]).isEqualTo(before[i] - 0.5f);
        // Ring all-reduce over k = 4: 2(k−1)·4|θ| bytes cross the network per step in total.
        assertThat(c.ledger().up() + c.ledger().down()).isEqualTo(10L * 2 * 3 * 4 * N);
    }

    /** DDP syncs every step, so unlike DiLoCo its last round is cut to the budget (1000 tokens at 64 per step: 10 + 6 steps). */
    @Test
    void ddpStopsAtTheTokenBudgetToWithinOneStep() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DDP).innerSteps(10).ddpWorkers(4).tokenBudget(1000).build();
        Coordinator c = coordinator(cfg);
        assertThat(of(Answers.handle(c, new Event.Join("ddp", -1, 0, 0)), Command.Train.class)).singleElement()
                .satisfies(t -> assertThat(t.steps()).isEqualTo(10));
        List<Command> second = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 10, 640, 1, fp32(filled(0.5f)), 1));
        assertThat(of(second, Command.Train.class)).singleElement().satisfies(t -> assertThat(t.steps()).isEqualTo(6));
        List<Command> end = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 1, 0, 6, 384, 1, fp32(filled(0.5f)), 1));
        assertThat(of(end, Command.Stop.class)).singleElement().satisfies(s -> assertThat(s.reason()).contains("token budget of 1000 reached (1024)"));
    }

    /** DiLoCo's rounds are whole (see SyncPolicy): the budget is checked where a round ends. */
    @Test
    void dilocoKeepsWholeRoundsUnderATokenBudget() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).tokenBudget(1000).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        List<Command> second = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 10, 640, 1, fp32(filled(0.01f)), 1));
        assertThat(of(second, Command.Train.class)).singleElement().satisfies(t -> assertThat(t.steps()).isEqualTo(10));
    }

    @Test
    void tokenBudgetStopsTheRun() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).tokenBudget(100).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", -1, 0, 0));
        List<Command> out = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 120, 1, fp32(filled(1)), 1));
        assertThat(of(out, Command.Stop.class)).singleElement().satisfies(s -> assertThat(s.reason()).contains("token budget of 100"));
        assertThat(c.stopped()).isTrue();
        assertThat(of(out, Command.Train.class)).isEmpty();
        assertThat(of(Answers.handle(c, new Event.Join("late", -1, 0, 2)), Command.Stop.class)).hasSize(1);
    }

    @Test
    void thetaTravelsOnlyInFp32Bf16OrFp16() {
        for (String lossy : List.of("int8", "q4", "fp4", "topk:0.1")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> CoordinatorConfig.builder().downCodec(lossy).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("coordinator.down_codec = " + lossy + ": must be one of fp32, bf16, fp16 (θ itself travels in it;"
                            + " a lossy codec would quantize the weights on every pull)");
        }
        for (String ok : List.of("fp32", "bf16", "fp16")) assertThat(CoordinatorConfig.builder().downCodec(ok).build().downCodec()).isEqualTo(ok);
    }

    /** θ is never sent saturated: when an outer step takes it past what fp16 carries, the run stops with the reason. */
    @Test
    void thetaBeyondTheDownCodecsRangeStopsTheRunInsteadOfBeingSaturated() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).outer(OuterOptimizerConfig.sgd(1))
                .downCodec("fp16").build();
        float[] theta = filled(65000f);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Coordinator(cfg, FragmentPlan.whole(N), filled(70000f), metrics::add))
                .hasMessageContaining("initial θ holds 70000.0 at index 0, beyond fp16's largest value 65504");
        Coordinator c = new Coordinator(cfg, FragmentPlan.whole(N), theta, metrics::add);
        assertThat(of(Answers.handle(c, new Event.Join("a", -1, 0, 0)), Command.Train.class)).hasSize(1);
        float[] delta = filled(0);
        delta[5] = -1000f; // SGD lr 1: θ[5] ← 65000 + 1000
        List<Command> out = Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, fp32(delta), 1));
        assertThat(c.theta()[5]).isEqualTo(66000f);
        assertThat(of(out, Command.Train.class)).isEmpty();
        assertThat(of(out, Command.Stop.class)).singleElement().satisfies(st -> assertThat(st.reason())
                .isEqualTo("θ holds 66000.0 at index 5, beyond fp16's largest value 65504: outer.down_codec = fp16 cannot send it (bf16 or fp32 can)"));
        assertThat(c.stopped()).isTrue();
    }

    /** Every pseudo-gradient either reaches θ or is answered with Unapplied, so workers can settle their error feedback. */
    @Test
    void pseudoGradientsThatWillNotReachThetaAreAnsweredUnapplied() {
        CoordinatorConfig async = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).outer(OuterOptimizerConfig.sgd(1))
                .weighting(new WeightingConfig("uniform", 0, 0)).build();
        Coordinator a = coordinator(async);
        Answers.handle(a, new Event.Join("w0", -1, 0, 0));
        Answers.handle(a, new Event.Join("w1", -1, 0, 0));
        assertThat(of(Answers.handle(a, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1)), 1)), Command.Unapplied.class)).isEmpty();
        // w1 trained from v0, θ is at v1: staleness 1 > 0, dropped.
        assertThat(of(Answers.handle(a, new Event.Delta(1, 2, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1)), 2)), Command.Unapplied.class))
                .singleElement().satisfies(u -> {
                    assertThat(List.of(u.member(), u.fragment(), u.baseVersion())).containsExactly(1, 0, 0L);
                    assertThat(u.reason()).contains("staleness 1");
                });
        // Rejected (fenced generation, bad size): Reject, then Unapplied.
        List<Command> fenced = Answers.handle(a, new Event.Delta(1, 9, Answers.AUTO, 1, 0, 5, 5, 1, fp32(filled(1)), 3));
        assertThat(fenced.get(0)).isInstanceOf(Command.Reject.class);
        assertThat(fenced.get(1)).isEqualTo(new Command.Unapplied(1, 0, 1, ((Command.Reject) fenced.get(0)).reason()));
        assertThat(of(Answers.handle(a, new Event.Delta(1, 2, Answers.AUTO, 1, 0, 5, 5, 1, fp32(new float[3]), 3)), Command.Unapplied.class)).hasSize(1);

        CoordinatorConfig sync = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).minWorkers(2).roundDeadline(10).quorum(1).build();
        Coordinator s = coordinator(sync);
        Answers.handle(s, new Event.Join("w0", -1, 0, 0));
        Answers.handle(s, new Event.Join("w1", -1, 0, 0));
        assertThat(of(Answers.handle(s, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1)), 1)), Command.Unapplied.class)).isEmpty();
        Answers.handle(s, new Event.Timer("round:0", 10)); // commits with w0 alone
        assertThat(s.version()).isEqualTo(1);
        assertThat(of(Answers.handle(s, new Event.Delta(1, 2, Answers.AUTO, 0, 0, 5, 5, 1, fp32(filled(1)), 11)), Command.Unapplied.class))
                .extracting(u -> List.of(u.member(), u.fragment(), u.baseVersion())).containsExactly(List.of(1, 0, 0L));
    }

    /**
     * The run's clock for the inner learning-rate schedule: an async assignment starts at the tokens
     * applied plus what the others trained since their own assignments (elapsed time × measured
     * speed, at most what they were given), and advances Σ speeds / own speed run tokens per own token.
     */
    @Test
    void asyncAssignmentsArePlacedOnTheRunsClock() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(10).minWorkers(2)
                .outer(OuterOptimizerConfig.sgd(1.0)).shards(DataShards.own(100, 100)).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", 0, 100, 0));
        List<Command.Train> start = of(Answers.handle(c, new Event.Join("b", 1, 100, 0)), Command.Train.class);
        // No speed measured yet: both at 0, as if equally fast.
        assertThat(start).extracting(Command.Train::progress).containsOnly(new GlobalProgress(0, 2));
        // a: 10 steps (100 tokens) in 10 s of compute, arriving at t = 12 → 1 step/s. b (not measured yet)
        // counts at the mean measured speed, 1 step/s: 12 s of its assignment = 10 steps (its whole assignment).
        Command.Train a = of(Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 10, 100, 10, fp32(filled(0.1f)), 12)), Command.Train.class).get(0);
        assertThat(a.progress()).isEqualTo(new GlobalProgress(100 + 100, 2));
        // b: 10 steps in 20 s → 0.5 step/s, arriving at t = 21; a has trained 9 of its 10 steps since t = 12.
        Command.Train b = of(Answers.handle(c, new Event.Delta(1, 2, Answers.AUTO, 0, 0, 10, 100, 20, fp32(filled(0.1f)), 21)), Command.Train.class).get(0);
        assertThat(b.progress().startTokens()).isEqualTo(200 + 90);
        assertThat(b.progress().rate()).isEqualTo((1 + 0.5) / 0.5);
    }

    /** Synchronous rounds: everyone starts at the tokens applied and k workers advance the clock k tokens per own token. */
    @Test
    void syncAssignmentsAdvanceTheClockByTheRoundsMembers() {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(5).minWorkers(2)
                .outer(OuterOptimizerConfig.sgd(1.0)).shards(DataShards.own(100, 100)).build();
        Coordinator c = coordinator(cfg);
        Answers.handle(c, new Event.Join("a", 0, 100, 0));
        assertThat(of(Answers.handle(c, new Event.Join("b", 1, 100, 0)), Command.Train.class)).extracting(Command.Train::progress)
                .containsOnly(new GlobalProgress(0, 2));
        Answers.handle(c, new Event.Delta(0, 1, Answers.AUTO, 0, 0, 5, 50, 1, fp32(filled(0.1f)), 2));
        List<Command.Train> next = of(Answers.handle(c, new Event.Delta(1, 2, Answers.AUTO, 0, 0, 5, 50, 1, fp32(filled(0.1f)), 3)), Command.Train.class);
        assertThat(next).extracting(Command.Train::progress).containsOnly(new GlobalProgress(100, 2));
    }
}
