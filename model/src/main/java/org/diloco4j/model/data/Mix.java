package org.diloco4j.model.data;

import java.nio.charset.StandardCharsets;

/**
 * Counter-based randomness (SplitMix64 finalizer). Every random choice in the data pipeline
 * (holdout, shards, batch windows) is a pure function of (seed, counters), never of a mutable RNG,
 * so any batch can be recomputed from its position alone and results do not depend on JDK versions
 * or call order. Public because text, shard and batch all draw from it.
 */
public final class Mix {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Mix() {
    }

    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static long hash(long seed, long a) {
        return mix64(mix64(seed + GOLDEN) + a * GOLDEN);
    }

    public static long hash(long seed, long a, long b) {
        return hash(hash(seed, a), b);
    }

    /** Hash of a string (FNV-1a over its UTF-8 bytes, then mixed with the seed). */
    public static long hash(long seed, String s) {
        long h = 0xCBF29CE484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001B3L;
        }
        return hash(seed, h);
    }

    /** Uniform in [0, bound) from a 64-bit hash (multiply-high; bias below 2^-64 * bound). */
    public static long below(long hash, long bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound " + bound);
        return Math.unsignedMultiplyHigh(hash, bound);
    }

    /** Uniform in [0, 1). */
    public static double unit(long hash) {
        return (hash >>> 11) * 0x1.0p-53;
    }
}
