package org.diloco4j.net.coord;

import org.diloco4j.core.time.Clock;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A token bucket per caller ({@link org.diloco4j.net.auth.Caller#limitKey}: its credential, else its
 * address): {@code burst} joins at once, then {@code perMinute}. A bucket that has refilled says
 * nothing a new one would not, so it is forgotten: the table is swept, on the clock, once per refill
 * time (burst / rate), and holds only callers that joined within about two refill times. Past
 * {@link #MAX_CALLERS} of those, new callers are refused too (a flood from many addresses must not
 * grow it without bound between two sweeps). Event loop only.
 */
final class JoinRate {
    static final int MAX_CALLERS = 65_536;

    private final double burst;
    private final double perSecond;
    private final Clock clock;
    /** Nanoseconds an empty bucket takes to refill: how often the table is swept. */
    private final long sweepNanos;
    private long sweptAt;
    private final Map<String, Bucket> buckets = new HashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    JoinRate(int burst, double perMinute, Clock clock) {
        this.burst = burst;
        this.perSecond = perMinute / 60;
        this.clock = clock;
        this.sweepNanos = (long) Math.ceil(burst / perSecond * 1e9);
        this.sweptAt = clock.nanos();
    }

    /** Takes a join from {@code caller}'s bucket; false if it is empty (the join is refused). */
    boolean take(String caller) {
        long now = clock.nanos();
        if (now - sweptAt >= sweepNanos) forgetRefilled(now);
        Bucket b = buckets.get(caller);
        if (b == null) {
            if (buckets.size() >= MAX_CALLERS && forgetRefilled(now) >= MAX_CALLERS) return false;
            b = new Bucket(burst, now);
            buckets.put(caller, b);
        }
        refill(b, now);
        if (b.tokens < 1) return false;
        b.tokens -= 1;
        return true;
    }

    /** Seconds until {@code caller} may join again (0 if it may now). */
    double waitSeconds(String caller) {
        Bucket b = buckets.get(caller);
        if (b == null) return 0;
        refill(b, clock.nanos());
        return b.tokens >= 1 ? 0 : (1 - b.tokens) / perSecond;
    }

    /** Callers remembered (for tests: the table is bounded). */
    int size() {
        return buckets.size();
    }

    private void refill(Bucket b, long now) {
        b.tokens = Math.min(burst, b.tokens + (now - b.at) / 1e9 * perSecond);
        b.at = now;
    }

    private int forgetRefilled(long now) {
        sweptAt = now;
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            refill(b, now);
            if (b.tokens >= burst) it.remove();
        }
        return buckets.size();
    }
}
