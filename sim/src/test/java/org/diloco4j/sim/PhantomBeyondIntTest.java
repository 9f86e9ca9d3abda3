package org.diloco4j.sim;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.core.params.Fp32Storage;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.run.RunResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Timing-only (phantom) simulations of models more than a Java array holds, run as themselves
 * through {@link UtilizationTable} (the entry point of scripts/utilization-table and
 * scripts/scale-table): every byte is the codec's {@link Codec#encodedSize(long)} of the real
 * model, every step the device profile's FLOP/s. Before sizes were long here, these runs were
 * refused ("the model has 3000000000 values, but the fp32 storage ...").
 */
class PhantomBeyondIntTest {
    /** A 3B GPT-2-style stack (3.02B by GPT-2's count); 48 GB of training state: one H100 per worker. */
    static final ScaleSize THREE_B = new ScaleSize("3B", "GPT-2-style 32 × d 2560, context 2048",
            new ModelShape(3_000_000_000L, 32, 2560, 2048), 512);
    static final ScaleSize SEVENTY_B = ScaleSize.issue14().get(3);
    static final int WORKERS = 2;
    static final int ROUNDS = 3;
    /** Slow enough that transfers take a visible share of each round. */
    static final double GBPS = 1;

    /** The H100's datasheet BF16 peak at the profile's assumed 40 % MFU, per device. */
    static final double H100_FLOPS = 989e12 * 0.40;

    @Test
    void threeBillionSyncDilocoMovesEachCodecsEncodedSizeAndComputesAtTheProfilesFlops() {
        syncRun(THREE_B, 1);
    }

    @Test
    void seventyBillionSyncDilocoMovesEachCodecsEncodedSizeAndComputesAtTheProfilesFlops() {
        syncRun(SEVENTY_B, 16);
    }

    /**
     * Synchronous DiLoCo, H = 100, int8 up and bf16 down, 2 workers, 3 rounds: each worker's bytes
     * are 3 × encodedSize(N) of each codec, its compute 300 steps of FLOPs per step over its
     * devices' sustained FLOP/s, and the run's length the join's latency plus three times the
     * closed form of a round (θ down, compute, δ up, a latency each way).
     */
    private static void syncRun(ScaleSize size, int devices) {
        long n = size.model().params();
        assertThat(n).isGreaterThan(Fp32Storage.MAX_VALUES);
        assertThat(size.devicesPerWorker(Accelerator.H100)).isEqualTo(devices);
        long up = Codecs.parse("int8").encodedSize(n);
        long down = Codecs.parse("bf16").encodedSize(n);
        double step = size.model().flopsPerStep(size.batch()) / (devices * H100_FLOPS);

        UtilizationTable table = new UtilizationTable(n, size.secondsPerStep(Accelerator.H100), WORKERS, ScaleTable.LATENCY, ROUNDS);
        SimResult r = table.simulate(ScaleTable.sync(new ScaleTable.Wire("int8", "bf16"), 100), GBPS, Double.POSITIVE_INFINITY);

        assertThat(r.outerSteps()).isEqualTo(ROUNDS);
        assertThat(r.workers()).hasSize(WORKERS);
        for (RunResult.Worker w : r.workers()) {
            assertThat(w.bytesUp()).as(w.name()).isEqualTo(ROUNDS * up);
            assertThat(w.bytesDown()).as(w.name()).isEqualTo(ROUNDS * down);
            assertThat(w.steps()).isEqualTo(ROUNDS * 100L);
            assertThat(w.computeSeconds()).as(w.name()).isCloseTo(ROUNDS * 100 * step, within(1e-9 * ROUNDS * 100 * step));
        }
        assertThat(r.bytesUp()).isEqualTo(WORKERS * ROUNDS * up);
        double bytesPerSecond = GBPS * 1e9 / 8;
        // The join takes a latency; then a round is θ down, H steps, δ up; the run ends when the last δ is applied.
        double round = down / bytesPerSecond + 100 * step + up / bytesPerSecond + 2 * ScaleTable.LATENCY;
        assertThat(r.simulatedSeconds()).isCloseTo(ScaleTable.LATENCY + ROUNDS * round, within(1e-9 * r.simulatedSeconds()));
    }

    /**
     * Streaming DiLoCo at 70B, P = 10: each fragment of 7B values is a message of its own, so a
     * worker sends, per round, ten int8 encodings of 7·10^9 values and receives ten bf16 ones.
     */
    @Test
    void seventyBillionStreamingMovesTenFragmentsEachItsEncodedSize() {
        long n = SEVENTY_B.model().params();
        FragmentPlan plan = org.diloco4j.core.params.FragmentPlanner.plan(UtilizationTable.flatLayout(n), 10,
                org.diloco4j.core.params.BlockAssignment.SEQUENTIAL);
        assertThat(plan.sizes()).containsOnly(n / 10);
        long up = Codecs.parse("int8").encodedSize(n / 10);
        long down = Codecs.parse("bf16").encodedSize(n / 10);

        UtilizationTable table = new UtilizationTable(n, SEVENTY_B.secondsPerStep(Accelerator.H100), WORKERS, ScaleTable.LATENCY, ROUNDS);
        SimResult r = table.simulate(ScaleTable.streaming(new ScaleTable.Wire("int8", "bf16"), 100), GBPS, Double.POSITIVE_INFINITY);

        assertThat(r.outerSteps()).isEqualTo(ROUNDS * 10L);
        for (RunResult.Worker w : r.workers()) {
            assertThat(w.bytesUp()).as(w.name()).isEqualTo(ROUNDS * 10 * up);
            assertThat(w.bytesUp()).as("ten headers, not one").isNotEqualTo(ROUNDS * Codecs.parse("int8").encodedSize(n));
        }
    }

    /** A simulation that trains holds θ in a float[]: past 2^31 − 9 values it is refused in one line that says so. */
    @Test
    void aSimulationThatTrainsRefusesAModelBeyondOneArray() {
        FragmentPlan plan = FragmentPlan.whole(THREE_B.model().params());
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).build();
        SimConfig config = SimConfig.of(List.of(new WorkerSpec("w0", DeviceProfile.of(1), LinkProfile.infinite(), 0)), 1);
        TrainerFactory never = (spec, shard, k) -> {
            throw new AssertionError("no trainer is built for a run that is refused");
        };
        assertThatThrownBy(() -> new Simulation(config, cc, plan, new float[1], never, null, MetricSink.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3000000000 values")
                .hasMessageContaining("limited to 2147483639 values")
                .hasMessageContaining("timing-only")
                .hasMessageNotContaining("\n");
    }
}
