package org.diloco4j.app.config;

import org.diloco4j.app.run.RunClock;
import org.diloco4j.app.run.RunJson;
import org.diloco4j.app.run.RunStart;
import org.diloco4j.core.params.ParamSpec;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.gpt.GptLayout;
import org.diloco4j.sim.ModelShape;
import org.diloco4j.sim.StepTimeSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Workers described by a device profile or a sustained FLOP/s: their step time follows the model. */
class DeviceConfigTest {
    /** The default model's training FLOPs per step: 5,743,104 per token (sim's DeviceTimingTest) × 16 × 128 tokens. */
    private static final double TINY_FLOPS_PER_STEP = 5_743_104.0 * 2_048;

    private static final String WORKERS = """
            [[sim.workers]]
            name = "h"
            device = "h100"
            up_mbps = 100
            down_mbps = 100
            [[sim.workers]]
            name = "f"
            flops = 1.2e14
            up_mbps = 100
            down_mbps = 100
            [[sim.workers]]
            name = "o"
            device = "l4"
            seconds_per_step = 0.5
            up_mbps = 100
            down_mbps = 100
            """;

    @Test
    void aProfileAnExplicitFlopsAndAnOverrideEachDecideOneWorker(@TempDir Path dir) throws Exception {
        RunConfig c = resolve(dir, "", WORKERS);
        assertThat(c.workers()).extracting(WorkerEntry::stepTime)
                .containsExactly(StepTimeSource.DEVICE, StepTimeSource.FLOPS, StepTimeSource.SECONDS_PER_STEP);
        // H100: 989 TFLOP/s × the assumed 40 % MFU.
        assertThat(c.workers().get(0).secondsPerStep()).isCloseTo(TINY_FLOPS_PER_STEP / (989e12 * 0.4), within(1e-15));
        assertThat(c.workers().get(1).secondsPerStep()).isCloseTo(TINY_FLOPS_PER_STEP / 1.2e14, within(1e-15));
        assertThat(c.workers().get(2).secondsPerStep()).as("seconds_per_step overrides the device").isEqualTo(0.5);
    }

    @Test
    void aLargerModelOrBatchOnTheSameDeviceStepsSlowerAndTheOverrideDoesNot(@TempDir Path dir) throws Exception {
        RunConfig tiny = resolve(dir, "", WORKERS);
        RunConfig small = resolve(dir, "[model]\npreset = \"small\"\n[train]\nbatch = 32\n", WORKERS);
        ModelShape a = StepTimes.shape(tiny);
        ModelShape b = StepTimes.shape(small);
        double ratio = b.flopsPerStep(32) / a.flopsPerStep(16);
        assertThat(ratio).isGreaterThan(100);
        for (int i = 0; i < 2; i++) {
            assertThat(small.workers().get(i).secondsPerStep() / tiny.workers().get(i).secondsPerStep()).isCloseTo(ratio, within(1e-9));
        }
        assertThat(small.workers().get(2).secondsPerStep()).isEqualTo(0.5);
    }

    @Test
    void theWrittenConfigRecordsTheSourceAndReadsBackAsTheSameWorkers(@TempDir Path dir) throws Exception {
        RunConfig c = resolve(dir, "", WORKERS + """
                [[sim.faults]]
                kind = "join"
                worker = "late"
                at = 10.0
                device = "rtx4090"
                memory_gb = 48.0
                up_mbps = 100
                down_mbps = 100
                """);
        String toml = TomlWriter.write(c);
        assertThat(toml).contains("step_time = \"device\"", "device = \"h100\"", "step_time = \"flops\"", "flops = 1.2e14",
                "memory_gb = 48.0");
        Path f = dir.resolve("written.toml");
        Files.writeString(f, toml);
        RunConfig back = ConfigLoader.load(f, List.of());
        assertThat(back).isEqualTo(c);
        assertThat(Resolver.resolve(back)).isEqualTo(c);
        assertThat(c.faults().getFirst().joiner().secondsPerStep()).isCloseTo(TINY_FLOPS_PER_STEP / (165.2e12 * 0.4), within(1e-15));
    }

    @Test
    void anUnknownDeviceIsOneLineNamingTheKnownOnes(@TempDir Path dir) {
        assertThatThrownBy(() -> resolve(dir, "", "[[sim.workers]]\nname = \"x\"\ndevice = \"h200\"\nup_mbps = 1\ndown_mbps = 1\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("[[sim.workers]] entry 1 ('x'): device = \"h200\" is not a known profile; known: h100, a100, l4, rtx4090,"
                        + " cpu-server (or give flops = sustained FLOP/s)");
        assertThatThrownBy(() -> resolve(dir, "", "[[sim.workers]]\nname = \"x\"\nup_mbps = 1\ndown_mbps = 1\n"))
                .hasMessage("[[sim.workers]] entry 1 ('x'): needs seconds_per_step, device (h100, a100, l4, rtx4090, cpu-server) or"
                        + " flops (sustained FLOP/s)");
        assertThatThrownBy(() -> resolve(dir, "", "[[sim.workers]]\nname = \"x\"\nflops = -3.0\nup_mbps = 1\ndown_mbps = 1\n"))
                .hasMessage("[[sim.workers]] entry 1 ('x'): flops = -3.0 must be a positive number of FLOP/s, e.g. 1.2e14");
    }

    /** GPT-2 XL's shape (1.56B parameters) needs 25 GB to train in fp32 with AdamW: more than an L4 has, even with its time given. */
    @Test
    void aDeviceTooSmallForTheModelIsOneErrorNamingTheWorkerTheNeedAndTheMemory(@TempDir Path dir) throws Exception {
        String xl = "[model]\npreset = \"gpt2-small\"\nlayers = 48\nd_model = 1600\nheads = 25\n";
        String worker = "[[sim.workers]]\nname = \"edge\"\ndevice = \"l4\"\nseconds_per_step = 2.0\nup_mbps = 1\ndown_mbps = 1\n";
        assertThatThrownBy(() -> resolve(dir, xl, worker)).isInstanceOf(ConfigException.class)
                .hasMessage("[[sim.workers]] 'edge': device \"l4\" has 24 GB of memory; training 1,557,611,200 parameters needs at"
                        + " least 24.9 GB (16 bytes per parameter: fp32 θ, its gradient and AdamW's two moments, before activations):"
                        + " choose a device with more memory or a smaller model");
        assertThat(resolve(dir, xl, worker.replace("\"l4\"", "\"h100\"")).workers().getFirst().secondsPerStep()).isEqualTo(2.0);
        assertThatThrownBy(() -> resolve(dir, "", "[[sim.workers]]\nname = \"pi\"\nflops = 1e9\nmemory_gb = 0.01\nup_mbps = 1\ndown_mbps = 1\n"))
                .hasMessageStartingWith("[[sim.workers]] 'pi': memory_gb = 0.01 has 0.01 GB of memory; training 842,496 parameters needs at least 0.0135 GB");
    }

    /**
     * The FLOP count against the model's own layout: 6 FLOPs per weight of every matrix the token is
     * multiplied by (all 2-D tensors but the position table), plus attention; counting biases and
     * gains as weights adds under 1 %.
     */
    @Test
    void theFlopCountMatchesTheModelsLayout() {
        for (GptConfig g : List.of(new GptConfig(256, 4, 128, 4, 128), new GptConfig(50_257, 12, 768, 12, 1024))) {
            long matrices = GptLayout.of(g).params().stream().filter(p -> p.shape().length == 2 && !p.name().equals("pos_emb.weight"))
                    .mapToLong(ParamSpec::numel).sum();
            double attention = 12.0 * g.layers() * g.context() * g.dModel();
            double flops = new ModelShape(g.parameterCount(), g.layers(), g.dModel(), g.context()).flopsPerToken();
            assertThat(flops).isBetween(6.0 * matrices + attention, (6.0 * matrices) * 1.01 + attention);
        }
    }

    @Test
    void runStartSaysWhichKeyDecidedEachWorkersStepTime(@TempDir Path dir) throws Exception {
        RunConfig c = resolve(dir, "", WORKERS);
        RunStart rs = RunStart.of("diloco", RunClock.SIMULATED, 842_496, c.workers());
        assertThat(rs.workers()).extracting(RunStart.WorkerProfile::stepTime, RunStart.WorkerProfile::device).containsExactly(
                org.assertj.core.api.Assertions.tuple(StepTimeSource.DEVICE, "h100"),
                org.assertj.core.api.Assertions.tuple(StepTimeSource.FLOPS, null),
                org.assertj.core.api.Assertions.tuple(StepTimeSource.SECONDS_PER_STEP, "l4"));
        String json = RunJson.MAPPER.writeValueAsString(rs);
        assertThat(json).contains("\"step_time\":\"device\",\"device\":\"h100\"", "\"step_time\":\"flops\"}");
        assertThat(RunJson.MAPPER.readValue(json, RunStart.class)).isEqualTo(rs);
    }

    private static RunConfig resolve(Path dir, String head, String tables) throws java.io.IOException {
        Path f = dir.resolve("run.toml");
        Files.writeString(f, "method = \"diloco\"\n" + head + tables);
        return Resolver.resolve(ConfigLoader.load(f, List.of()));
    }
}
