package org.diloco4j.sim;

import org.diloco4j.core.coord.RingAllReduce;

import java.util.List;
import org.diloco4j.core.run.Segment;

/**
 * The data-parallel baseline's k devices, simulated as one logical worker: every step each device
 * computes its share, all wait for the slowest, then a ring all-reduce of fp32 gradients moves
 * 2(k−1)/k·4|θ| bytes per device over the slowest link.
 */
final class DdpGroup {
    private final List<WorkerSpec> devices;
    private final SimRandom[] rngs;
    private final double allReduceSeconds;
    final double[] compute;
    final double[] idle;
    final double[] communicate;
    long steps;

    DdpGroup(List<WorkerSpec> devices, long params, long seed) {
        this.devices = List.copyOf(devices);
        int k = devices.size();
        this.rngs = new SimRandom[k];
        for (int i = 0; i < k; i++) rngs[i] = new SimRandom(seed * 1_000_003L + i);
        double bw = Double.MAX_VALUE;
        double lat = 0;
        for (WorkerSpec w : devices) {
            bw = Math.min(bw, Math.min(w.link().upBytesPerSecond(), w.link().downBytesPerSecond()));
            lat = Math.max(lat, w.link().latencySeconds());
        }
        this.allReduceSeconds = new RingAllReduce(k, params).seconds(bw, lat);
        this.compute = new double[k];
        this.idle = new double[k];
        this.communicate = new double[k];
    }

    /** The group's state for a checkpoint: each device's random generator and its time totals. */
    record State(long[] rngs, double[] compute, double[] idle, double[] communicate, long steps) {
    }

    State state() {
        long[] r = new long[rngs.length];
        for (int i = 0; i < r.length; i++) r[i] = rngs[i].state();
        return new State(r, compute.clone(), idle.clone(), communicate.clone(), steps);
    }

    /** The group {@link #state()} was taken of, for the same devices, size and seed. */
    static DdpGroup restore(State s, List<WorkerSpec> devices, long params, long seed) {
        DdpGroup g = new DdpGroup(devices, params, seed);
        if (s.rngs().length != g.rngs.length) throw new IllegalArgumentException("checkpoint has " + s.rngs().length + " ddp devices, the run " + g.rngs.length);
        for (int i = 0; i < g.rngs.length; i++) {
            g.rngs[i] = new SimRandom(s.rngs()[i]);
            g.compute[i] = s.compute()[i];
            g.idle[i] = s.idle()[i];
            g.communicate[i] = s.communicate()[i];
        }
        g.steps = s.steps();
        return g;
    }

    int size() {
        return devices.size();
    }

    WorkerSpec device(int i) {
        return devices.get(i);
    }

    double allReduceSeconds() {
        return allReduceSeconds;
    }

    /**
     * Simulates {@code n} synchronous steps from time {@code start}; returns the virtual seconds
     * they take and records each device's compute, wait and all-reduce time, adding one segment
     * of each kind per device to {@code timeline}.
     */
    double run(int n, double start, List<Segment> timeline) {
        int k = devices.size();
        double[] c = new double[k];
        double t = start;
        double wall = 0;
        for (int s = 0; s < n; s++) {
            double max = 0;
            double[] d = new double[k];
            for (int i = 0; i < k; i++) {
                d[i] = devices.get(i).device().duration(1, t, rngs[i]);
                max = Math.max(max, d[i]);
            }
            for (int i = 0; i < k; i++) {
                c[i] += d[i];
                idle[i] += max - d[i];
                communicate[i] += allReduceSeconds;
            }
            t += max + allReduceSeconds;
            wall += max + allReduceSeconds;
        }
        for (int i = 0; i < k; i++) {
            compute[i] += c[i];
            String name = devices.get(i).name();
            double computeEnd = start + c[i];
            double waitEnd = start + wall - n * allReduceSeconds;
            timeline.add(new Segment(name, Segment.Kind.COMPUTE, start, computeEnd));
            if (waitEnd > computeEnd) timeline.add(new Segment(name, Segment.Kind.IDLE, computeEnd, waitEnd));
            if (allReduceSeconds > 0) timeline.add(new Segment(name, Segment.Kind.COMMUNICATE, waitEnd, start + wall));
        }
        steps += n;
        return wall;
    }
}
