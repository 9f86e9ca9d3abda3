package org.diloco4j.app.run;

import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.config.Resolver;
import org.diloco4j.model.data.token.Tokenizers;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.sim.Accelerator;
import org.diloco4j.sim.DeviceSpeed;
import org.diloco4j.sim.ModelShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A worker that names a device, from its config entry to the device the simulator runs: the step
 * time the simulator is given is the FLOPs of the very GPT the run trains (RunSetup.gptConfig) over
 * the device's sustained FLOP/s, for models whose shape differs in every key the time depends on.
 */
class SimulatedDeviceTest {
    /** One worker per key that derives a step time: a profile, and a measured FLOP/s with its memory. */
    private static final String WORKERS = "[[sim.workers]]\nname = \"gpu\"\ndevice = \"a100\"\nup_mbps = 50\ndown_mbps = 200\n"
            + "[[sim.workers]]\nname = \"measured\"\nflops = 3.5e13\nmemory_gb = 40.0\nup_mbps = 50\ndown_mbps = 200\n";

    @Test
    void theSimulatorTimesTheModelTheRunTrains(@TempDir Path dir) throws Exception {
        for (String model : List.of("", "[model]\npreset = \"small\"\n[train]\nbatch = 32\n",
                "[model]\npreset = \"gpt2-small\"\nlayers = 2\ncontext = 256\n")) {
            RunConfig c = resolve(dir, model);
            GptConfig gpt = RunSetup.gptConfig(c, Tokenizers.byName(c.str("data.tokenizer")).vocabSize());
            ModelShape trained = new ModelShape(gpt.parameterCount(), gpt.layers(), gpt.dModel(), gpt.context());
            int batch = c.integer("train.batch");
            assertThat(RunSetup.spec(c.workers().get(0), 0, List.of()).device().secondsPerStep()).as("a100 for %s", model)
                    .isEqualTo(Accelerator.A100.speed().secondsPerStep(trained, batch));
            assertThat(RunSetup.spec(c.workers().get(1), 1, List.of()).device().secondsPerStep()).as("flops for %s", model)
                    .isEqualTo(new DeviceSpeed(3.5e13, 40e9).secondsPerStep(trained, batch));
        }
    }

    private static RunConfig resolve(Path dir, String head) throws java.io.IOException {
        Path f = dir.resolve("run.toml");
        Files.writeString(f, "method = \"diloco\"\n" + head + WORKERS);
        return Resolver.resolve(ConfigLoader.load(f, List.of()));
    }
}
