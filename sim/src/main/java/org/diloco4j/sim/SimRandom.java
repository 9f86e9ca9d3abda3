package org.diloco4j.sim;


/**
 * SplitMix64: a tiny random generator whose whole state is one long, so a simulation checkpoint can
 * store it and a resumed run draws exactly the numbers an uninterrupted run would have.
 */
final class SimRandom {
    private long state;

    SimRandom(long seed) {
        this.state = seed;
    }

    /** The whole state: {@code new SimRandom(state())} continues with the same numbers. */
    long state() {
        return state;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Standard normal (Box–Muller). */
    double gaussian() {
        double u = 1.0 - nextDouble();
        double v = nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
