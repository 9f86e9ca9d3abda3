package org.diloco4j.core.params;

import java.util.Arrays;

/**
 * One named tensor inside the flat parameter vector: its shape and where it starts.
 *
 * @param name   dotted name, e.g. {@code blocks.0.attn.qkv.weight}
 * @param shape  tensor shape, row-major
 * @param offset index of its first element in the flat vector (long: layouts may pass 2^31 values)
 */
public record ParamSpec(String name, int[] shape, long offset) {
    public ParamSpec {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("parameter name is empty");
        shape = shape.clone();
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("parameter " + name + " has shape " + Arrays.toString(shape));
        }
        if (offset < 0) throw new IllegalArgumentException("parameter " + name + " has offset " + offset);
    }

    /** Number of elements (a product of int dimensions, so it may pass 2^31). */
    public long numel() {
        long n = 1;
        for (int d : shape) {
            if (n > Long.MAX_VALUE / d) throw new IllegalArgumentException("parameter " + name + Arrays.toString(shape) + " has more than 2^63 elements");
            n *= d;
        }
        return n;
    }

    /** {@link #numel()} as the length of a {@code float[]} holding this tensor alone ({@link Fp32Storage}). */
    public int arrayNumel() {
        return Fp32Storage.length(numel(), "parameter " + name + Arrays.toString(shape));
    }

    public Range range() {
        return new Range(offset, numel());
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.name.equals(name) && p.offset == offset && Arrays.equals(p.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape) * 7 + Long.hashCode(offset);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "@" + offset;
    }
}
