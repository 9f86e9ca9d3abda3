package org.diloco4j.core.coord;

import java.util.TreeMap;

/** Bytes that crossed the network, in total and per member. */
public final class Ledger implements java.io.Serializable {
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

    void restore(long up, long down) {
        this.up = up;
        this.down = down;
    }
}
