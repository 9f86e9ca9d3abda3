package org.diloco4j.core.coord;

import java.util.HashMap;
import java.util.Map;

/** Measured inner steps per second of each member: an exponential moving average of its reports. */
final class SpeedTable {
    /** Weight of the newest report: high enough to follow a device that slows down within a few rounds. */
    private static final double ALPHA = 0.5;
    private final Map<Integer, Double> speeds = new HashMap<>();

    void observe(int member, double stepsPerSecond) {
        speeds.merge(member, stepsPerSecond, (old, v) -> (1 - ALPHA) * old + ALPHA * v);
    }

    /** Steps per second, or 0 if never measured. */
    double get(int member) {
        return speeds.getOrDefault(member, 0.0);
    }

    void forget(int member) {
        speeds.remove(member);
    }
}
