package org.diloco4j.sim;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.core.params.BlockAssignment;
import org.diloco4j.core.params.FragmentPlanner;
import org.diloco4j.core.params.ParamLayout;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Step times that follow the model's size: FLOPs per step over a device's sustained FLOP/s. */
class DeviceTimingTest {
    /** The default run's GPT: 4 blocks of d 128, context 128, 256 byte tokens: 842,496 parameters. */
    private static final ModelShape TINY = new ModelShape(842_496, 4, 128, 128);

    /**
     * Closed form for the tiny model, term by term: 4 blocks × 12·128² matmul weights = 786,432, the
     * tied head's 256 × 128 = 32,768, and 4 × 13·128 + 2·128 = 6,912 biases and gains, N − T·d =
     * 826,112 multiplied per token (the 16,384 position values are looked up); 6 × 826,112 =
     * 4,956,672 FLOPs plus attention 12 × 4 × 128 × 128 = 786,432: 5,743,104 per token.
     */
    @Test
    void flopsPerTokenAndPerStepMatchTheClosedForm() {
        assertThat(786_432 + 32_768 + 6_912 + 16_384).as("the parameter count the terms add up to").isEqualTo(842_496);
        assertThat(TINY.flopsPerToken()).isEqualTo(5_743_104.0);
        // batch 16 × context 128 = 2,048 tokens per step
        assertThat(TINY.flopsPerStep(16)).isEqualTo(5_743_104.0 * 2_048);
        assertThat(TINY.trainingStateBytes()).isEqualTo(16.0 * 842_496);
    }

    @Test
    void stepTimeIsFlopsOverSustainedFlops() {
        // H100: 989 TFLOP/s bf16 dense at the assumed 40 % MFU = 395.6 TFLOP/s.
        assertThat(Accelerator.H100.speed().sustainedFlops()).isCloseTo(395.6e12, within(1e3));
        assertThat(Accelerator.H100.speed().secondsPerStep(TINY, 16)).isCloseTo(5_743_104.0 * 2_048 / 395.6e12, within(1e-18));
        assertThat(new DeviceSpeed(1e12, Double.NaN).secondsPerStep(TINY, 16)).isCloseTo(0.011_761_876_992, within(1e-15));
        // The CPU server's peak is its arithmetic: 2 sockets × 32 cores × 2 FMA units × 16 lanes × 2 FLOP × 2 GHz, at 40 %.
        assertThat(Accelerator.CPU_SERVER.speed().sustainedFlops()).isCloseTo(8.192e12 * 0.4, within(1e-3));
    }

    /**
     * The same device twice, one model twice the other's blocks: the run takes longer by the ratio of
     * FLOPs per step. The simulator is given what a config's device resolves to (app's StepTimes):
     * {@link DeviceSpeed#secondsPerStep} as a fixed {@link DeviceProfile}.
     */
    @Test
    void aBiggerModelOnTheSameDeviceTakesProportionallyLonger() {
        ModelShape twice = new ModelShape(842_496 + 4 * (12 * 128 * 128 + 13 * 128), 8, 128, 128);
        DeviceSpeed l4 = Accelerator.L4.speed();
        double small = simulatedSeconds(DeviceProfile.of(l4.secondsPerStep(TINY, 16)));
        double big = simulatedSeconds(DeviceProfile.of(l4.secondsPerStep(twice, 16)));
        assertThat(small).as("3 rounds of 10 steps on an infinite link").isCloseTo(30 * l4.secondsPerStep(TINY, 16), within(1e-12));
        assertThat(big / small).isCloseTo(twice.flopsPerToken() / TINY.flopsPerToken(), within(1e-9));
        assertThat(big / small).isGreaterThan(1.9);
    }

    @Test
    void aDeviceTooSmallForTheModelIsRefused() {
        ModelShape seventyB = new ModelShape(70_000_000_000L, 80, 8192, 4096);
        assertThatThrownBy(() -> seventyB.requireFits(Accelerator.H100.speed().memoryBytes(), "the device"))
                .hasMessage("the device has 80 GB of memory; training 70,000,000,000 parameters needs at least 1120 GB (16 bytes per"
                        + " parameter: fp32 θ, its gradient and AdamW's two moments, before activations): choose a device with more"
                        + " memory or a smaller model");
        assertThatCode(() -> TINY.requireFits(Accelerator.H100.speed().memoryBytes(), "the device")).doesNotThrowAnyException();
        assertThatCode(() -> seventyB.requireFits(new DeviceSpeed(1e12, Double.NaN).memoryBytes(), "the device"))
                .as("unknown memory is not checked").doesNotThrowAnyException();
        // The boundary: exactly 16 bytes per parameter fits, a byte less does not.
        assertThatCode(() -> seventyB.requireFits(16.0 * 70_000_000_000L, "the device")).doesNotThrowAnyException();
        assertThatThrownBy(() -> seventyB.requireFits(16.0 * 70_000_000_000L - 1, "the device")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownProfileNamesTheKnownOnes() {
        assertThat(Accelerator.parse(" H100 ")).isEqualTo(Accelerator.H100);
        assertThatThrownBy(() -> Accelerator.parse("h200"))
                .hasMessage("device = \"h200\" is not a known profile; known: h100, a100, l4, rtx4090, cpu-server (or give flops = sustained FLOP/s)");
    }

    private static double simulatedSeconds(DeviceProfile device) {
        int n = 1000;
        var plan = FragmentPlanner.plan(ParamLayout.single("theta", n), 1, BlockAssignment.SEQUENTIAL);
        CoordinatorConfig cc = CoordinatorConfig.builder().method(Method.DILOCO).innerSteps(10).minWorkers(1).upCodec("fp32")
                .downCodec("fp32").maxOuterSteps(3).build();
        List<WorkerSpec> ws = List.of(new WorkerSpec("w0", device, LinkProfile.infinite(), 0));
        return new Simulation(SimConfig.of(ws, 1), cc, plan, null, null, null, MetricSink.NONE).run().simulatedSeconds();
    }
}
