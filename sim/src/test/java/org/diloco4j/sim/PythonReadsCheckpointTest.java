package org.diloco4j.sim;

import org.diloco4j.core.coord.Method;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The checkpoint is a documented file format: scripts/read_checkpoint.py (numpy only) reads the θ Java holds. */
class PythonReadsCheckpointTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "read_checkpoint.py");

    @Test
    void theScriptReadsTheThetaJavaHolds(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(python("import numpy") == 0, "python3 with numpy is not installed: the script cannot be checked here");
        CheckpointResumeTest t = new CheckpointResumeTest();
        Simulation s = new Simulation(t.sim(), t.config(Method.DILOCO), t.plan(Method.DILOCO), new float[t.problem.size()], t.factory(),
                null, m -> { });
        int[] count = {0};
        s.run(() -> count[0]++ >= 200);
        float[] theta = s.coordinator().theta().clone();
        assertThat(s.coordinator().outerSteps()).isPositive();
        Path ckpt = dir.resolve("state.bin");
        s.checkpoint(ckpt);
        s.close();

        Path out = dir.resolve("theta.f32");
        Process p = new ProcessBuilder("python3", SCRIPT.toString(), ckpt.toString(), out.toString()).redirectErrorStream(true).start();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).startsWith("checkpoint version " + org.diloco4j.core.io.CheckpointFile.VERSION + " (simulation): theta shape [" + theta.length + "] crc32 ");

        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
        float[] read = new float[b.remaining() / 4];
        b.asFloatBuffer().get(read);
        assertThat(read).containsExactly(theta);
    }

    private static int python(String code) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("python3", "-c", code).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException e) {
            return -1;
        }
    }
}
