package org.diloco4j.net.tls;

import org.diloco4j.core.time.Clock;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one paced log of what strangers cause (stray bytes, failed handshakes, refused tokens): one
 * line per remote address and kind of line per window (a mistake of another kind from the same
 * host is news), and at most {@code maxPerWindow} lines in all per window — anyone can send bytes to
 * the port, so what they cause must not flood the log. What was left out goes out with the next
 * line that is logged, whoever's it is: that line's own count (lines like it from its address), then
 * those of other kinds from its address, then all the rest totalled, with how many addresses sent
 * them — never added to the line's own count. Once told, the counts start again from zero.
 */
public final class PeerLog {
    /** Address-and-kind pairs whose left-out lines are kept apart; past this many, they are only counted. */
    static final int MAX_UNREPORTED = 4096;

    private final Consumer<String> log;
    private final Clock clock;
    private final long windowNanos;
    private final int maxPerWindow;
    private final Map<Key, Window> peers = new HashMap<>();
    /** Lines left out and not yet reported, by address and kind: those of windows that are over, and those the cap left out. */
    private final Map<Key, Long> unreported = new HashMap<>();
    /** Lines left out past {@link #MAX_UNREPORTED} pairs: their addresses are not known. */
    private long unattributed;
    private long globalStart = Long.MIN_VALUE;
    private int globalLines;

    private record Key(String address, String kind) {
    }

    private static final class Window {
        long start;
        long suppressed;
    }

    /**
     * @param windowSeconds at most one line per address and kind this often
     * @param maxPerWindow  at most this many lines in all per window (many addresses at once)
     */
    public PeerLog(Consumer<String> log, Clock clock, double windowSeconds, int maxPerWindow) {
        this.log = log;
        this.clock = clock;
        this.windowNanos = (long) (windowSeconds * 1e9);
        this.maxPerWindow = maxPerWindow;
    }

    /**
     * Logs {@code line} unless a line of the same address and kind (or too many lines) went out within the window.
     *
     * @param address the sender's address without its port (a scanner opens each connection from a new one)
     * @param kind    what happened, for telling one mistake from another of the same address
     */
    public synchronized void log(String address, String kind, String line) {
        long now = clock.nanos();
        if (globalStart == Long.MIN_VALUE || now - globalStart >= windowNanos) {
            globalStart = now;
            globalLines = 0;
            forget(now);
        }
        Key key = new Key(address, kind);
        Window w = peers.get(key);
        if (w != null && now - w.start < windowNanos) {
            w.suppressed++;
            return;
        }
        if (globalLines >= maxPerWindow) {
            leftOut(key, 1);
            return;
        }
        long own = (w == null ? 0 : w.suppressed) + unreported.getOrDefault(key, 0L);
        unreported.remove(key);
        String note = note(own, address);
        if (w == null) {
            w = new Window();
            peers.put(key, w);
        }
        w.start = now;
        w.suppressed = 0;
        globalLines++;
        log.accept(line + (note.isEmpty() ? "" : " (" + note + ")"));
    }

    /** The address without its port: limits and log lines are per host, whatever port it calls from. */
    public static String host(SocketAddress a) {
        if (a instanceof InetSocketAddress i) return i.getAddress() != null ? i.getAddress().getHostAddress() : i.getHostString();
        return a == null ? "?" : a.toString();
    }

    private void leftOut(Key key, long lines) {
        if (unreported.size() < MAX_UNREPORTED || unreported.containsKey(key)) unreported.merge(key, lines, Long::sum);
        else unattributed += lines;
    }

    /**
     * What was left out, for the line about to go out from {@code address}: its own count, then the
     * others' by address (forgotten once told).
     */
    private String note(long own, String address) {
        long sameAddress = 0;
        long others = unattributed;
        Set<String> from = new HashSet<>();
        for (Map.Entry<Key, Long> e : unreported.entrySet()) {
            if (e.getKey().address().equals(address)) {
                sameAddress += e.getValue();
            } else {
                others += e.getValue();
                from.add(e.getKey().address());
            }
        }
        List<String> parts = new ArrayList<>();
        if (own > 0) parts.add(own + " more like it not logged");
        if (sameAddress > 0) parts.add(sameAddress + " of other kinds from " + address + " not logged");
        if (others > 0) {
            parts.add(others + (others == 1 ? " line" : " lines") + " from " + (unattributed > 0 ? "at least " : "") + from.size()
                    + (from.size() == 1 ? " other address" : " other addresses") + " not logged");
        }
        unreported.clear();
        unattributed = 0;
        return String.join("; ", parts);
    }

    /**
     * Drops keys whose window is over, so that the map holds one window's traffic; what they had
     * left out is kept, by address and kind, for the next line (of that address and kind, or about anyone).
     */
    private void forget(long now) {
        for (Iterator<Map.Entry<Key, Window>> it = peers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Key, Window> e = it.next();
            if (now - e.getValue().start >= windowNanos) {
                if (e.getValue().suppressed > 0) leftOut(e.getKey(), e.getValue().suppressed);
                it.remove();
            }
        }
    }
}
