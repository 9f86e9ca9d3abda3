package org.diloco4j.core.coord;

/**
 * The cost of one ring all-reduce of fp32 gradients over k devices, the data-parallel baseline's
 * communication per step: written once for the coordinator's byte ledger, the simulator's DDP cost
 * model and the run summary's DDP-equivalent bytes.
 *
 * <p>The ring runs 2(k−1) phases (k−1 of reduce-scatter, k−1 of all-gather); in each, every device
 * sends one chunk of |θ|/k values to its neighbour and receives one. So each device sends
 * 2(k−1)/k·4|θ| bytes (and receives as many), and 2(k−1)·4|θ| bytes cross the network in all.
 *
 * @param devices k, the devices taking part (0 or 1: nothing moves)
 * @param params  |θ|, the number of fp32 values reduced
 */
public record RingAllReduce(int devices, long params) {
    public RingAllReduce {
        if (devices < 0) throw new IllegalArgumentException("an all-reduce needs devices >= 0, got " + devices);
        if (params < 0) throw new IllegalArgumentException("an all-reduce needs params >= 0, got " + params);
    }

    /** Bytes that cross the network in one all-reduce, all devices together: 2(k−1)·4|θ|. */
    public long networkBytes() {
        return devices <= 1 ? 0 : 2L * (devices - 1) * 4L * params;
    }

    /**
     * One device's share of {@link #networkBytes()} booked each way, as a ledger that counts every
     * byte once, half as up and half as down, books it: (k−1)/k·4|θ|. A double: the share is
     * fractional when k does not divide 8|θ|.
     */
    public double bytesPerDeviceEachWay() {
        return devices <= 1 ? 0 : (devices - 1) * 4.0 * params / devices;
    }

    /**
     * Virtual seconds of one all-reduce when every link carries {@code bytesPerSecond} each way and
     * adds {@code latencySeconds} per message: 2(k−1) phases of one |θ|/k chunk plus one latency.
     */
    public double seconds(double bytesPerSecond, double latencySeconds) {
        return devices <= 1 ? 0 : 2.0 * (devices - 1) * (4.0 * params / devices / bytesPerSecond + latencySeconds);
    }
}
