package org.diloco4j.net.worker;

import org.diloco4j.core.time.Clock;

import java.util.SplittableRandom;

/**
 * Exponential backoff with full jitter for reconnecting: waits grow from {@code base} by ×2 up to
 * {@code max}, each drawn uniformly from [w/2, w] so that many workers do not retry in lockstep.
 */
final class Backoff {
    private final double base;
    private final double max;
    private final Clock clock;
    private final SplittableRandom random = new SplittableRandom();
    private int attempts;
    private long failingSince = -1;

    Backoff(double baseSeconds, double maxSeconds, Clock clock) {
        if (!(baseSeconds > 0) || maxSeconds < baseSeconds) throw new IllegalArgumentException("backoff " + baseSeconds + ".." + maxSeconds + " s");
        this.base = baseSeconds;
        this.max = maxSeconds;
        this.clock = clock;
    }

    /** Seconds to wait before the next attempt; starts the failure clock on the first call. */
    double next() {
        if (failingSince < 0) failingSince = clock.nanos();
        double w = Math.min(max, base * Math.pow(2, Math.min(attempts, 30)));
        attempts++;
        return w / 2 + random.nextDouble() * w / 2;
    }

    /** Seconds since the first failure of the current streak (0 if none). */
    double failingFor() {
        return failingSince < 0 ? 0 : clock.secondsSince(failingSince);
    }

    void reset() {
        attempts = 0;
        failingSince = -1;
    }

    int attempts() {
        return attempts;
    }
}
