package org.diloco4j.app.run;

import org.diloco4j.app.run.ProgressLine.Field;
import org.diloco4j.core.coord.Metric;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress line at a terminal's width, in a log without one, and with log lines above it. */
class ProgressTest {
    static final long BUDGET = 3_000_000;
    /** A run 45% through: 1.35M tokens, outer step 124, 2 min 10 s simulated, 14.1 MB sent. */
    static final Metric.OuterStep STEP_124 = step(124, 1_350_000, 14_100_000, 130);

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-01-01T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final TestClock clock = new TestClock();
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Progress progress(Screen screen, long tokensSoFar) {
        return progress(screen, tokensSoFar, RunClock.SIMULATED);
    }

    Progress progress(Screen screen, long tokensSoFar, RunClock runClock) {
        return new Progress("diloco", BUDGET, tokensSoFar, runClock, screen, new PrintStream(bytes, true, StandardCharsets.UTF_8), clock);
    }

    String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** What a terminal shows last: the text after the last carriage return, without the padding. */
    String lastFrame() {
        String[] frames = out().split("\r");
        return frames[frames.length - 1].stripTrailing();
    }

    static Metric.OuterStep step(long step, long tokens, long bytes, double time) {
        return new Metric.OuterStep(step, step, 0, List.of(0), List.of(0L), List.of(1.0), 4, tokens, bytes / 2, bytes - bytes / 2, 1.0, time);
    }

    /** 166 s after the start, 45% through with losses known: 8.13k tokens per second. */
    void midRun(Progress p, Metric.OuterStep step) {
        p.emit(new Metric.Eval(1_300_000, 120, 3.2104, Double.NaN, 0, 0, 120));
        p.emit(new Metric.TrainLoss("frankfurt", 900, 3.3012, Double.NaN, Double.NaN, Double.NaN, 128));
        clock.advance(Duration.ofSeconds(166));
        p.emit(step);
    }

    @Test
    void at80ColumnsTheBarShrinksAndTheLeastUsefulFieldsGo() {
        try (Progress p = progress(Screen.ofColumns(80), 0)) {
            midRun(p, STEP_124);
            String line = lastFrame();
            assertThat(line.length()).isLessThanOrEqualTo(79);
            assertThat(line).startsWith(" 45% [").contains("1.35M/3.00M tok", "eval 3.210", "train 3.301", "8.13k tok/s", "step 124")
                    .doesNotContain("sim ", "sent");
            // One digit more and the outer step, shown first but less useful than tokens per second, makes way.
            clock.advance(Duration.ofSeconds(1));
            p.emit(step(1240, 1_358_130, 14_100_000, 131));
            line = lastFrame();
            assertThat(line.length()).isLessThanOrEqualTo(79);
            assertThat(line).contains("eval 3.210", "train 3.301", "8.13k tok/s").doesNotContain("step");
            String bar = line.substring(line.indexOf('['), line.indexOf(']') + 1);
            assertThat(bar).hasSizeGreaterThanOrEqualTo(ProgressLine.BAR_MIN).matches("\\[=+> *]");
        }
    }

    @Test
    void at120ColumnsEverythingFitsWithABar() {
        try (Progress p = progress(Screen.ofColumns(120), 0)) {
            midRun(p, STEP_124);
            String line = lastFrame();
            assertThat(line.length()).isLessThanOrEqualTo(119);
            assertThat(line).contains("45%", "1.35M/3.00M tok", "step 124", "eval 3.210", "train 3.301", "8.13k tok/s", "sim 2 min 10 s",
                    "sent 14.1 MB");
            String bar = line.substring(line.indexOf('['), line.indexOf(']') + 1);
            assertThat(bar.length()).isGreaterThanOrEqualTo(ProgressLine.BAR_MIN);
        }
    }

    @Test
    void atAnyWidthTheLineFitsAndKeepsTheMoreUsefulFieldsOfThoseItDrops() {
        ProgressLine line = new ProgressLine(1_350_000, BUDGET, 12_345, 3.2104, 3.3012, 8130, 7830, RunClock.SIMULATED, 412_000_000_000L);
        List<Field> priority = Arrays.asList(Field.values());
        for (int columns = 1; columns <= 200; columns++) {
            String s = line.fit(columns);
            assertThat(s.length()).as("at %d columns: %s", columns, s).isLessThanOrEqualTo(Math.max(0, columns - 1));
            List<Boolean> shown = priority.stream().map(f -> s.contains(line.text(f).strip())).toList();
            assertThat(shown.indexOf(false) < 0 || !shown.subList(shown.indexOf(false), shown.size()).contains(true))
                    .as("at %d columns a field shows while a more useful one does not: %s", columns, s).isTrue();
            if (shown.contains(true)) assertThat(s).as("fields only beside a bar: %s", s).containsPattern("\\[[=> ]{8,}]");
        }
        assertThat(line.fit(200)).as("everything fits at 200 columns").contains(line.plain().substring(line.plain().indexOf("step")));
    }

    @Test
    void withoutATerminalAPlainLineEveryTenSecondsWhileTheRunAdvancesAndOneAtTheEnd() {
        Progress p = progress(Screen.NONE, 0);
        for (int s = 1; s <= 35; s++) {
            clock.advance(Duration.ofSeconds(1));
            p.emit(step(s, s * 10_000L, s * 1_000_000L, s * 2.0));
        }
        // The ticker's turns: step 35 gets its line at 12:00:40; then nothing changes, and nothing is printed.
        for (int s = 0; s < 30; s++) {
            clock.advance(Duration.ofSeconds(1));
            p.tick();
        }
        assertThat(out().lines()).hasSize(4);
        p.emit(new Metric.Eval(350_000, 35, 4.5, Double.NaN, 0, 0, 70));
        p.close();
        p.close();
        String out = out();
        assertThat(out).doesNotContain("\r");
        assertThat(out.lines()).containsExactly(
                "12:00:10 diloco: 3% 100k/3.00M tok  step 10  eval —  train —  10.0k tok/s  sim 20.0 s  sent 10.0 MB",
                "12:00:20 diloco: 6% 200k/3.00M tok  step 20  eval —  train —  10.0k tok/s  sim 40.0 s  sent 20.0 MB",
                "12:00:30 diloco: 10% 300k/3.00M tok  step 30  eval —  train —  10.0k tok/s  sim 1 min 00 s  sent 30.0 MB",
                "12:00:40 diloco: 11% 350k/3.00M tok  step 35  eval —  train —  8.75k tok/s  sim 1 min 10 s  sent 35.0 MB",
                "12:01:05 diloco: 11% 350k/3.00M tok  step 35  eval 4.500  train —  5.38k tok/s  sim 1 min 10 s  sent 35.0 MB");
    }

    @Test
    void logLinesGoAboveTheBarAndTheBarIsDrawnAgain() {
        try (Progress p = progress(Screen.ofColumns(100), 0)) {
            midRun(p, STEP_124);
            bytes.reset();
            p.log().println("12:03:00 coordinator: admitted tokyo#3");
            String[] frames = out().split("\r", -1);
            assertThat(frames[1]).startsWith("12:03:00 coordinator: admitted tokyo#3").endsWith("\n").doesNotContain("tok/s");
            assertThat(frames[2]).startsWith(" 45% [").contains("eval 3.210").doesNotContain("\n");
        }
        assertThat(out()).endsWith("\n");
    }

    @Test
    void aResumedRunStartsAtItsCheckpointAndCountsTokensPerSecondFromThere() {
        try (Progress p = progress(Screen.ofColumns(120), 0)) {
            clock.advance(Duration.ofSeconds(30));
            p.resumedAt(1_000_000, 90, 10_000_000, 100);
            p.emit(new Metric.Eval(1_000_000, 90, 3.5, Double.NaN, 0, 0, 100));
            assertThat(lastFrame()).contains(" 33% ", "1.00M/3.00M tok", "step 90", "sent 10.0 MB", "sim 1 min 40 s");
            clock.advance(Duration.ofSeconds(10));
            p.emit(step(91, 1_100_000, 11_000_000, 104));
            assertThat(lastFrame()).contains("1.10M/3.00M tok", "10.0k tok/s");
        }
    }

    @Test
    void aNetworkedRunsTimeMovesWhileItWaitsForWorkers() {
        try (Progress p = progress(Screen.ofColumns(120), 0, RunClock.WALL)) {
            p.emit(new Metric.Eval(0, 0, 5.5, Double.NaN, 0, 0, 0));
            clock.advance(Duration.ofSeconds(42));
            p.tick();
            assertThat(lastFrame()).contains("time 42.0 s", "0/3.00M tok", "0 tok/s");
            p.resumedAt(0, 0, 0, 600);
            clock.advance(Duration.ofSeconds(5));
            p.tick();
            assertThat(lastFrame()).as("a resumed run's clock goes on from its checkpoint's").contains("time 10 min 05 s");
        }
    }
}
