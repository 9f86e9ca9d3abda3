package org.diloco4j.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.diloco4j.core.coord.Metric;
import org.junit.jupiter.api.Test;

/** When the live report is rewritten, on a clock the test moves. */
class LiveReportTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger flushes = new AtomicInteger();
    private final List<Long> renders = new ArrayList<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private LiveReport live(int everySteps, double everySeconds, long renderNanos, boolean fail) {
        return LiveReport.forTest(new LiveReport.Policy(everySteps, everySeconds), flushes::incrementAndGet, () -> {
            renders.add(now.get());
            now.addAndGet(renderNanos);
            if (fail) throw new IOException("disk full");
        }, new PrintStream(log, true, StandardCharsets.UTF_8), now::get);
    }

    private static Metric.OuterStep step(long n) {
        return new Metric.OuterStep(n, n, 0, List.of(0), List.of(0L), List.of(1.0), 1, n * 100, 0, 0, Double.NaN, n);
    }

    private static long s(double seconds) {
        return (long) (seconds * 1e9);
    }

    @Test
    void firstMetricThenEveryFewOuterStepsOrSeconds() {
        LiveReport r = live(10, 30, s(0.001), false);
        r.emit(new Metric.Eval(0, 0, 5.5, 7.9, 0, 0, 0));        // the initial evaluation: written at once
        assertThat(renders).hasSize(1);
        for (long n = 1; n <= 9; n++) {
            now.addAndGet(s(1));
            r.emit(step(n));
        }
        assertThat(renders).hasSize(1);
        now.addAndGet(s(1));
        r.emit(step(10));                                          // 10 outer steps since
        assertThat(renders).hasSize(2);
        now.addAndGet(s(31));
        r.emit(new Metric.Decision(org.diloco4j.core.coord.DecisionKind.WAIT, -1, "waiting", 0));   // 31 s since, no outer step
        assertThat(renders).hasSize(3);
        assertThat(flushes.get()).as("metrics flushed before each rewrite").isEqualTo(3);
        assertThat(r.cost().rewrites()).isEqualTo(3);
        assertThat(r.cost().meanMillis()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aSlowRewriteDelaysTheNextSoItStaysASmallShareOfTheRun() {
        LiveReport r = live(1, 0, s(2), false);                    // every outer step, but each rewrite takes 2 s
        r.emit(step(0));
        for (long n = 1; n <= 200; n++) {
            now.addAndGet(s(1));
            r.emit(step(n));
        }
        // 200 s of run: the first rewrite, then one at least 50 × 2 s = 100 s after the previous one.
        assertThat(renders).hasSize(3);
        assertThat(renders.get(1) - renders.get(0)).isGreaterThanOrEqualTo(s(100));
        assertThat(r.cost().totalSeconds() / (now.get() / 1e9)).isLessThan(0.03);
    }

    @Test
    void offWhenBothTriggersAreZero() {
        LiveReport r = live(0, 0, 0, false);
        for (long n = 0; n < 100; n++) {
            now.addAndGet(s(100));
            r.emit(step(n));
        }
        assertThat(renders).isEmpty();
        assertThat(flushes.get()).isZero();
    }

    @Test
    void aFailedRewriteIsReportedOnceAndNeverThrown() {
        LiveReport r = live(1, 0, 0, true);
        for (long n = 0; n < 5; n++) {
            now.addAndGet(s(1));
            r.emit(step(n));
        }
        assertThat(renders).hasSize(5);
        assertThat(log.toString(StandardCharsets.UTF_8).lines()).singleElement()
                .satisfies(l -> assertThat(l).contains("could not rewrite the report during the run (disk full)"));
    }
}
