package org.diloco4j.net.metrics;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/** A failed scrape is one line at most, and at most one a minute, on a fake clock. */
class ScrapeErrorsTest {
    record Line(Level level, String text) {
    }

    final List<Line> lines = new ArrayList<>();
    long now = 0;
    final ScrapeErrors errors = new ScrapeErrors((level, text) -> lines.add(new Line(level, text)), () -> now);

    @Test
    void aScraperThatWentAwayIsOneDebugLine() {
        errors.accept(new IOException("insufficient bytes written to stream"));
        assertThat(lines).containsExactly(new Line(Level.FINE,
                "metrics: a scrape ended before its response was sent (the scraper went away): IOException: insufficient bytes written to stream"));
    }

    @Test
    void aFaultInCollectingIsOneWarningLineEvenWhenItsMessageSpansLines() {
        errors.accept(new IllegalStateException("gauge broke\n  at somewhere"));
        assertThat(lines).containsExactly(new Line(Level.WARNING, "metrics: a scrape failed: IllegalStateException: gauge broke at somewhere"));
    }

    @Test
    void aScraperInALoopGetsOneLineAMinuteCountingTheRest() {
        for (int i = 0; i < 100; i++) {
            errors.accept(new IOException("Broken pipe"));
            now += 1_000_000_000L;
        }
        // 100 failures over 100 s: one line at 0 s, one at 60 s naming the 59 in between.
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1).text()).endsWith("Broken pipe (59 more since the last line)");
        assertThat(lines).allSatisfy(l -> assertThat(l.text()).doesNotContain("\n"));
    }

    @Test
    void aScraperThatWentAwayDoesNotSilenceAFaultRightAfterIt() {
        errors.accept(new IOException("Broken pipe"));
        now += 1_000_000_000L;
        errors.accept(new IllegalStateException("gauge broke"));
        assertThat(lines).extracting(Line::level).containsExactly(Level.FINE, Level.WARNING);
    }
}
