package org.diloco4j.net.tls;

import org.diloco4j.core.time.Clock;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One log line per remote address and kind of line per window (a mistake of another kind from the
 * same host is news), and at most {@code maxPerWindow} lines in all per window: anyone can send bytes to the port, so what they cause must not flood the log. The first
 * line after a quiet stretch says how many like it were left out meanwhile.
 */
public final class PeerLog {
    private final Consumer<String> log;
    private final Clock clock;
    private final long windowNanos;
    private final int maxPerWindow;
    private final Map<String, Window> peers = new HashMap<>();
    private long globalStart = Long.MIN_VALUE;
    private int globalLines;
    private long globalSuppressed;

    private static final class Window {
        long start;
        long suppressed;
    }

    /**
     * @param windowSeconds at most one line per key this often
     * @param maxPerWindow  at most this many lines in all per window (many addresses at once)
     */
    public PeerLog(Consumer<String> log, Clock clock, double windowSeconds, int maxPerWindow) {
        this.log = log;
        this.clock = clock;
        this.windowNanos = (long) (windowSeconds * 1e9);
        this.maxPerWindow = maxPerWindow;
    }

    /**
     * Logs {@code line} unless a line with the same key (or too many lines) went out within the window.
     *
     * @param key the sender's address (without its port: a scanner opens each connection from a new one) and the kind of line
     */
    public synchronized void log(String key, String line) {
        long now = clock.nanos();
        if (globalStart == Long.MIN_VALUE || now - globalStart >= windowNanos) {
            globalStart = now;
            globalLines = 0;
            forget(now);
        }
        Window w = peers.get(key);
        if (w != null && now - w.start < windowNanos) {
            w.suppressed++;
            return;
        }
        if (globalLines >= maxPerWindow) {
            globalSuppressed++;
            return;
        }
        long earlier = (w == null ? 0 : w.suppressed) + globalSuppressed;
        if (w == null) {
            w = new Window();
            peers.put(key, w);
        }
        w.start = now;
        w.suppressed = 0;
        globalSuppressed = 0;
        globalLines++;
        log.accept(line + (earlier > 0 ? " (" + earlier + " more like it not logged)" : ""));
    }

    /**
     * Drops keys whose window is over, so that the map holds one window's traffic; what they
     * had left out is reported with the next line about anyone.
     */
    private void forget(long now) {
        for (Iterator<Window> it = peers.values().iterator(); it.hasNext(); ) {
            Window w = it.next();
            if (now - w.start >= windowNanos) {
                globalSuppressed += w.suppressed;
                it.remove();
            }
        }
    }
}
