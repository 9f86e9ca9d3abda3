package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.time.Clock;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.SessionRef;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live sessions, by member id. The transport looks them up from any thread; only the event
 * loop opens and ends them (ending one closes its order stream and its pulls, and is counted by the
 * monitoring).
 */
final class Sessions {
    private final Map<Integer, Session> live = new ConcurrentHashMap<>();
    private final Orders orders;
    private final Pulls pulls;
    private final MetricsFeed feed;
    private final Clock clock;
    private final Reports reports;

    Sessions(Orders orders, Pulls pulls, MetricsFeed feed, Clock clock, Reports reports) {
        this.orders = orders;
        this.pulls = pulls;
        this.feed = feed;
        this.clock = clock;
        this.reports = reports;
    }

    /** The live session of {@code member}, or null. */
    Session get(int member) {
        return live.get(member);
    }

    /** The live session a message names (member, generation and key), or null. */
    Session lookup(SessionRef ref) {
        Session s = live.get(ref.getMember());
        if (s == null || s.generation != ref.getGeneration() || !s.keyMatches(ref.getKey())) return null;
        return s;
    }

    /** Why {@link #lookup} found nothing. */
    String unknown(SessionRef ref) {
        Session s = live.get(ref.getMember());
        if (s == null) return "member " + ref.getMember() + " is not in the run (lost, evicted, left, or the coordinator restarted)";
        if (s.generation != ref.getGeneration()) return "fenced: generation " + ref.getGeneration() + ", member " + s + " is at generation " + s.generation;
        return "session key does not match member " + ref.getMember();
    }

    /** Whether {@code s} is still the live session of its member. */
    boolean isLive(Session s) {
        return live.get(s.member) == s;
    }

    /** Opens the session of a member the coordinator welcomed. */
    Session open(Command.Welcome w, String instance, byte[] key) {
        Session s = new Session(w.member(), w.generation(), w.name(), instance, key, clock);
        s.reports = reports.of(instance);
        live.put(s.member, s);
        feed.welcomed(s.member, s.name, live.size());
        return s;
    }

    /** Ends a session, with {@code last} as its final order (or none), and its pulls. */
    void end(Session s, Order.Builder last) {
        orders.end(s, last);
        pulls.sessionEnded(s);
        if (live.remove(s.member, s)) feed.ended(s.name, live.size());
    }

    /** A copy of the live sessions. */
    List<Session> all() {
        return List.copyOf(live.values());
    }

    /** The live member ids (a live view). */
    Set<Integer> ids() {
        return live.keySet();
    }

    /** {@code base}, or {@code base-2}, {@code base-3}, ...: a name no live member has. */
    String uniqueName(String base) {
        Set<String> taken = new HashSet<>();
        for (Session s : live.values()) taken.add(s.name);
        if (!taken.contains(base)) return base;
        for (int i = 2; ; i++) if (!taken.contains(base + "-" + i)) return base + "-" + i;
    }
}
