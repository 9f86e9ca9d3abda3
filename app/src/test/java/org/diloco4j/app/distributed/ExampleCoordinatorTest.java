package org.diloco4j.app.distributed;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's coordinator command with examples/run.toml, as real processes: it starts and listens;
 * a second coordinator on the same port fails with one line and leaves no run directory; Ctrl-C
 * before any worker came keeps the run, with a checkpoint to resume from.
 */
class ExampleCoordinatorTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    @Test
    void theReadmeCommandRunsAndASecondOneOnItsPortFailsCleanly() throws Exception {
        Path example = org.diloco4j.app.cmd.ExampleRunTest.example();
        Path token = tmp.resolve("token");
        Files.writeString(token, "0123456789abcdefghijklmnopqrstuv\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        Path portFile = tmp.resolve("port");
        Path run = tmp.resolve("runs/my-run");
        try (Jvm coord = Jvm.start("coordinator", tmp, "coordinator", "--config", example.toString(), "--port", "0", "--port-file",
                portFile.toString(), "--token-file", token.toString(), "--out", run.toString(), "--no-progress")) {
            long deadline = System.nanoTime() + 180_000_000_000L;
            while (!Files.exists(portFile)) {
                assertThat(coord.process.isAlive()).as(coord.logText()).isTrue();
                assertThat(System.nanoTime()).as("no port after 180 s: " + coord.logText()).isLessThan(deadline);
                Thread.sleep(200);
            }
            String port = Files.readString(portFile).strip();
            assertThat(coord.logText()).contains("listening on", "async-dn-dylu");

            Path second = tmp.resolve("runs/second");
            try (Jvm again = Jvm.start("second", tmp, "coordinator", "--config", example.toString(), "--port", port, "--token-file",
                    token.toString(), "--out", second.toString(), "--no-progress")) {
                assertThat(again.await(120)).as(again.logText()).isEqualTo(1);
                List<String> lines = again.logText().lines().toList();
                assertThat(lines).as(again.logText()).singleElement().asString()
                        .startsWith("diloco: cannot listen on 0.0.0.0:" + port).contains("--port").doesNotContain("Exception", "at org.");
            }
            assertThat(second).doesNotExist();

            coord.process.destroy();   // SIGTERM: stops like Ctrl-C, and the JVM exits with 128 + 15
            assertThat(coord.await(120)).as(coord.logText()).isEqualTo(143);
            assertThat(coord.logText()).contains("checkpoint saved");
        }
        assertThat(run.resolve("config.toml")).exists();
        assertThat(run.resolve("checkpoint/coordinator.ckpt")).exists();
    }
}
