package org.diloco4j.sim;

/**
 * A worker's network link to the coordinator.
 *
 * @param upBytesPerSecond   worker → coordinator bandwidth
 * @param downBytesPerSecond coordinator → worker bandwidth
 * @param latencySeconds     one-way latency
 * @param dropProbability    chance that a pseudo-gradient upload is lost (the worker learns it failed)
 */
public record LinkProfile(double upBytesPerSecond, double downBytesPerSecond, double latencySeconds, double dropProbability)
        {
    public LinkProfile {
        if (!(upBytesPerSecond > 0)) throw new IllegalArgumentException("up bandwidth " + upBytesPerSecond + " B/s must be > 0");
        if (!(downBytesPerSecond > 0)) throw new IllegalArgumentException("down bandwidth " + downBytesPerSecond + " B/s must be > 0");
        if (!(latencySeconds >= 0) || Double.isInfinite(latencySeconds)) throw new IllegalArgumentException("latency " + latencySeconds + " s must be >= 0");
        if (!(dropProbability >= 0 && dropProbability < 1)) throw new IllegalArgumentException("drop probability " + dropProbability + " must be in [0, 1)");
    }

    /** Symmetric link of {@code gbps} gigabits per second and the given latency. */
    public static LinkProfile gbps(double gbps, double latencySeconds) {
        double bps = gbps * 1e9 / 8;
        return new LinkProfile(bps, bps, latencySeconds, 0);
    }

    public static LinkProfile mbps(double up, double down, double latencyMs) {
        return new LinkProfile(up * 1e6 / 8, down * 1e6 / 8, latencyMs / 1000, 0);
    }

    /** An effectively free link (for tests that isolate compute). */
    public static LinkProfile infinite() {
        return new LinkProfile(Double.MAX_VALUE, Double.MAX_VALUE, 0, 0);
    }

    double upSeconds(long bytes) {
        return bytes / upBytesPerSecond;
    }

    double downSeconds(long bytes) {
        return bytes / downBytesPerSecond;
    }
}
