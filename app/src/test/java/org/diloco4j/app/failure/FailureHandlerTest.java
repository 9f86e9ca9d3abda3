package org.diloco4j.app.failure;

import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.report.RunFormatException;
import org.diloco4j.model.data.DataException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Known failures become one line and an exit code; the stack trace goes where the line says. */
class FailureHandlerTest {
    @TempDir
    Path tmp;

    record Reported(int code, List<String> lines) {
    }

    static Reported report(Throwable t, boolean verbose) {
        StringWriter err = new StringWriter();
        int code = new FailureHandler("train", "--out", "x").report(t, new PrintWriter(err), verbose);
        return new Reported(code, err.toString().lines().toList());
    }

    @Test
    void userCausedFailuresAreOneLineWithTheirExitCode() {
        assertThat(report(new ConfigException("config key a = 1 is invalid: must be 2"), false))
                .isEqualTo(new Reported(2, List.of("diloco: config key a = 1 is invalid: must be 2")));
        assertThat(report(new DataException("corpus /x does not exist"), false).code()).isEqualTo(2);
        assertThat(report(new NoSuchFileException("/etc/none.pem"), false))
                .isEqualTo(new Reported(2, List.of("diloco: /etc/none.pem does not exist; check the path")));
        assertThat(report(new RunFormatException(Path.of("r/metrics.jsonl"), 3, "not JSON"), false).lines().get(0))
                .startsWith("diloco: r/metrics.jsonl line 3: not JSON; ");
        Reported bind = report(new IOException("Failed to bind to address /0.0.0.0:7070", new BindException("Address already in use")), false);
        assertThat(bind.code()).isEqualTo(1);
        assertThat(bind.lines()).singleElement().asString().contains("Address already in use", "--port");
        assertThat(report(UserError.failed("a", "b", null), false)).isEqualTo(new Reported(1, List.of("diloco: a; b")));
    }

    @Test
    void aDamagedCheckpointIsOneLineWhereverItSurfaces() {
        // As eval or sample meet it reading a run's θ: not an "I/O error", not a bug.
        Reported r = report(new java.io.UncheckedIOException(new org.diloco4j.core.io.CheckpointException(
                "r/checkpoint/state.bin: checksum mismatch, the file is corrupted")), false);
        assertThat(r).isEqualTo(new Reported(1, List.of(
                "diloco: r/checkpoint/state.bin: checksum mismatch, the file is corrupted; restore the file from a copy, or start a new run")));
    }

    @Test
    void aMessageMeantForTheUserWinsOverTheExceptionsWrappedAroundIt() {
        Throwable wrapped = new IOException("the coordinator failed", new UncheckedIOException(new IOException(
                new ConfigException("the coordinator assigned data shard 7; this host's corpus has 4"))));
        assertThat(report(wrapped, false)).isEqualTo(new Reported(2, List.of("diloco: the coordinator assigned data shard 7; this host's corpus has 4")));
    }

    @Test
    void foreignMessagesAreFoldedToOneLine() {
        Reported r = report(new IOException("first line\n   second line"), false);
        assertThat(r.lines()).containsExactly("diloco: I/O error: first line second line; check the disk and the paths involved");
    }

    @Test
    void verbosePrintsTheStackTraceAfterTheLine() {
        Reported r = report(new ConfigException("bad"), true);
        assertThat(r.lines().get(0)).isEqualTo("diloco: bad");
        assertThat(r.lines().get(1)).contains("ConfigException: bad");
        assertThat(r.lines()).anyMatch(l -> l.contains("at org.diloco4j.app.failure.FailureHandlerTest"));
    }

    @Test
    void aFailureDuringARunKeepsItsTraceInTheRunsLog() throws IOException {
        Reported r = report(new RunFailure(tmp, new IOException("No space left on device")), false);
        Path log = tmp.resolve("diloco.log");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.lines()).singleElement().asString().contains("No space left on device", "(stack trace in " + log + ")");
        assertThat(Files.readString(log)).contains("diloco train --out x", "java.io.IOException: No space left on device", "\tat ");
        report(new RunFailure(tmp, new IllegalStateException("second")), false);
        assertThat(Files.readString(log)).contains("No space left", "IllegalStateException: second");
    }

    @Test
    void aBugIsOneLineThatSaysWhereItsTraceIs() throws IOException {
        Reported r = report(new NullPointerException("theta is null"), false);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.lines()).hasSize(1);
        Matcher m = Pattern.compile("^diloco: internal error: java.lang.NullPointerException: theta is null; this is a bug in diloco4j, "
                + "please report it with the stack trace in (\\S+)$").matcher(r.lines().get(0));
        assertThat(m.matches()).as(r.lines().get(0)).isTrue();
        Path trace = Path.of(m.group(1));
        try {
            assertThat(Files.readString(trace)).contains("NullPointerException: theta is null", "at org.diloco4j.app.failure.FailureHandlerTest");
        } finally {
            Files.deleteIfExists(trace);
        }
    }
}
