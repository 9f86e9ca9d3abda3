package org.diloco4j.app.cmd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.app.cmd.CommandLineTest.run;

/** --metrics-port as a user meets it when something is wrong: one line, exit code 2, nothing written. */
class MetricsOptionsTest {
    @Test
    void aMetricsPortAlreadyInUseStopsTheCoordinatorAndTheWorkerWithOneLine(@TempDir Path tmp) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());
            String expected = "diloco: metrics endpoint: cannot listen on 127.0.0.1:" + port + " (";
            CommandLineTest.Out c = run("coordinator", "--out", tmp.resolve("run").toString(), "--bind", "127.0.0.1", "--port", "0",
                    "--metrics-port", port, "--no-progress");
            assertThat(c.code()).as(c.err()).isEqualTo(2);
            assertThat(c.err()).startsWith(expected).contains("choose another --metrics-port").hasLineCount(1);
            assertThat(tmp.resolve("run")).doesNotExist();

            Path token = tmp.resolve("token");
            Files.writeString(token, "0123456789abcdef0123");
            CommandLineTest.Out w = run("worker", "--join", "127.0.0.1:1", "--token-file", token.toString(), "--metrics-port", port,
                    "--metrics-bind", "127.0.0.1");
            assertThat(w.code()).as(w.err()).isEqualTo(2);
            assertThat(w.err()).startsWith(expected).hasLineCount(1);
        }
    }

    @Test
    void metricsOptionsThatCannotWorkAreRefusedWithTheirReason(@TempDir Path tmp) {
        CommandLineTest.Out same = run("coordinator", "--out", tmp.resolve("run").toString(), "--port", "7171", "--metrics-port", "7171");
        assertThat(same.code()).isEqualTo(2);
        assertThat(same.err()).isEqualTo("diloco: --metrics-port must differ from --port" + System.lineSeparator());
        CommandLineTest.Out bindOnly = run("coordinator", "--out", tmp.resolve("run").toString(), "--metrics-bind", "127.0.0.1");
        assertThat(bindOnly.code()).isEqualTo(2);
        assertThat(bindOnly.err()).contains("--metrics-bind needs --metrics-port");
        assertThat(tmp.resolve("run")).doesNotExist();
    }
}
