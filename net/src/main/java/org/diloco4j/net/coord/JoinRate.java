package org.diloco4j.net.coord;

import org.diloco4j.core.time.Clock;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * A token bucket per caller address: {@code burst} joins at once, then {@code perMinute}. A bucket
 * that has refilled is forgotten, so the table holds only addresses that joined recently; past
 * {@link #MAX_ADDRESSES} of those, new addresses are refused too (a flood from many addresses must
 * not grow it without bound). Event loop only.
 */
final class JoinRate {
    static final int MAX_ADDRESSES = 65_536;

    private final double burst;
    private final double perSecond;
    private final Clock clock;
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
    }

    /** Takes a join from {@code address}'s bucket; false if it is empty (the join is refused). */
    boolean take(String address) {
        long now = clock.nanos();
        Bucket b = buckets.get(address);
        if (b == null) {
            if (buckets.size() >= MAX_ADDRESSES && forgetRefilled(now) >= MAX_ADDRESSES) return false;
            b = new Bucket(burst, now);
            buckets.put(address, b);
        }
        refill(b, now);
        if (b.tokens < 1) return false;
        b.tokens -= 1;
        return true;
    }

    /** Seconds until {@code address} may join again (0 if it may now). */
    double waitSeconds(String address) {
        Bucket b = buckets.get(address);
        if (b == null) return 0;
        refill(b, clock.nanos());
        return b.tokens >= 1 ? 0 : (1 - b.tokens) / perSecond;
    }

    private void refill(Bucket b, long now) {
        b.tokens = Math.min(burst, b.tokens + (now - b.at) / 1e9 * perSecond);
        b.at = now;
    }

    private int forgetRefilled(long now) {
        for (Iterator<Bucket> it = buckets.values().iterator(); it.hasNext(); ) {
            Bucket b = it.next();
            refill(b, now);
            if (b.tokens >= burst) it.remove();
        }
        return buckets.size();
    }
}
