package org.diloco4j.core.io;

import java.util.Arrays;

/**
 * One named fp32 tensor of a safetensors file, row-major.
 *
 * @param name  the file's name for it, e.g. {@code transformer.h.0.attn.c_attn.weight}
 * @param shape its dimensions; empty for a scalar
 * @param data  the values, {@code product(shape)} of them
 */
public record NamedTensor(String name, long[] shape, float[] data) {
    public NamedTensor {
        if (numel(shape) != data.length) {
            throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
        }
    }

    public static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }
}
