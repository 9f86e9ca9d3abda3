package org.diloco4j.core.params;

import java.util.Arrays;

/**
 * One named tensor inside the flat parameter vector: its shape and where it starts.
 *
 * @param name   dotted name, e.g. {@code blocks.0.attn.qkv.weight}
 * @param shape  tensor shape, row-major
 * @param offset index of its first element in the flat vector
 */
public record ParamSpec(String name, int[] shape, int offset) {
    public ParamSpec {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("parameter name is empty");
        shape = shape.clone();
        for (int d : shape) {
            if (d <= 0) throw new IllegalArgumentException("parameter " + name + " has shape " + Arrays.toString(shape));
        }
        if (offset < 0) throw new IllegalArgumentException("parameter " + name + " has offset " + offset);
    }

    /** Number of elements. */
    public int numel() {
        long n = 1;
        for (int d : shape) n *= d;
        if (n > Integer.MAX_VALUE) throw new IllegalStateException("parameter " + name + " too large");
        return (int) n;
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
        return name.hashCode() * 31 + Arrays.hashCode(shape) * 7 + offset;
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape) + "@" + offset;
    }
}
