package org.diloco4j.core.coord;

import java.util.Map;
import java.util.TreeMap;

/** Bytes that crossed the network, in total and per member. */
public final class Ledger {
    private long up;
    private long down;
    private final TreeMap<Integer, long[]> perMember = new TreeMap<>();

    void up(int member, long bytes) {
        up += bytes;
        perMember.computeIfAbsent(member, k -> new long[2])[0] += bytes;
    }

    void down(int member, long bytes) {
        down += bytes;
        perMember.computeIfAbsent(member, k -> new long[2])[1] += bytes;
    }

    /** Bytes received by the coordinator (workers' uploads). */
    public long up() {
        return up;
    }

    /** Bytes sent by the coordinator (θ and fragments down to workers). */
    public long down() {
        return down;
    }

    public long upOf(int member) {
        long[] b = perMember.get(member);
        return b == null ? 0 : b[0];
    }

    public long downOf(int member) {
        long[] b = perMember.get(member);
        return b == null ? 0 : b[1];
    }

    /** @param perMember member → {bytes up, bytes down} */
    public record State(long up, long down, Map<Integer, long[]> perMember) {
    }

    State state() {
        Map<Integer, long[]> m = new TreeMap<>();
        perMember.forEach((k, v) -> m.put(k, v.clone()));
        return new State(up, down, m);
    }

    void restore(State s) {
        this.up = s.up();
        this.down = s.down();
        perMember.clear();
        s.perMember().forEach((k, v) -> perMember.put(k, v.clone()));
    }
}
