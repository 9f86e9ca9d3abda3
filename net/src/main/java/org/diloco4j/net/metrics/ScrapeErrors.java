package org.diloco4j.net.metrics;

import java.io.IOException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What the metrics endpoint says when a scrape fails. The Prometheus HTTP server logs such a failure
 * at SEVERE with its stack trace (20 lines for a scraper that hung up early, e.g. {@code curl --max-time}:
 * {@code IOException: insufficient bytes written to stream}) unless it is given a reporter; this is
 * that reporter. A scraper that went away (an {@link IOException}) is its own business: one debug line.
 * Anything else is a fault in collecting the figures: one warning line. Each kind at most one line
 * per {@link #QUIET_NANOS minute}, naming how many were left out, so that a scraper in a loop cannot
 * flood the process's log.
 */
final class ScrapeErrors implements Consumer<Exception> {
    static final long QUIET_NANOS = 60_000_000_000L;

    /** Where a line goes: the level it is logged at and the text. */
    interface Sink {
        void log(Level level, String line);

        static Sink of(Logger logger) {
            return logger::log;
        }
    }

    private final Sink sink;
    private final LongSupplier nanos;
    /** Paced apart by kind (index 0: the scraper went away, 1: a fault): a FINE line must not silence a WARNING. */
    private final long[] lastNanos = new long[2];
    private final boolean[] any = new boolean[2];
    private final int[] leftOut = new int[2];

    ScrapeErrors(Sink sink, LongSupplier nanos) {
        this.sink = sink;
        this.nanos = nanos;
    }

    /** Logging to {@code org.diloco4j.net.metrics} on the wall clock. */
    static ScrapeErrors toLog() {
        return new ScrapeErrors(Sink.of(Logger.getLogger(ScrapeErrors.class.getPackageName())), System::nanoTime);
    }

    @Override
    public synchronized void accept(Exception e) {
        long now = nanos.getAsLong();
        boolean gone = e instanceof IOException;
        int k = gone ? 0 : 1;
        if (any[k] && now - lastNanos[k] < QUIET_NANOS) {
            leftOut[k]++;
            return;
        }
        String more = leftOut[k] > 0 ? " (" + leftOut[k] + " more since the last line)" : "";
        sink.log(gone ? Level.FINE : Level.WARNING, (gone ? "metrics: a scrape ended before its response was sent (the scraper went away): "
                : "metrics: a scrape failed: ") + e.getClass().getSimpleName() + ": " + oneLine(e.getMessage()) + more);
        any[k] = true;
        lastNanos[k] = now;
        leftOut[k] = 0;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
