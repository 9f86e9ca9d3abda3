package org.diloco4j.core.params;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The named tensors of a model laid end to end in one fp32 vector. Parameters are packed in the
 * order they were added, without gaps, so reading or writing all of θ is one copy. Offsets and the
 * total are {@code long}: a layout of any size can be built and queried; whether its vector fits
 * the fp32 storage ({@link #arraySize()}) is a separate question, asked where a vector is allocated.
 */
public final class ParamLayout {
    private final List<ParamSpec> params;
    private final Map<String, ParamSpec> byName;
    private final long size;

    private ParamLayout(List<ParamSpec> params) {
        this.params = List.copyOf(params);
        Map<String, ParamSpec> m = new LinkedHashMap<>();
        for (ParamSpec p : params) {
            if (m.put(p.name(), p) != null) throw new IllegalArgumentException("duplicate parameter name " + p.name());
        }
        this.byName = Collections.unmodifiableMap(m);
        ParamSpec last = params.isEmpty() ? null : params.get(params.size() - 1);
        this.size = last == null ? 0 : last.offset() + last.numel();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A layout of one unnamed vector of {@code n} values, for models that have no structure. */
    public static ParamLayout single(String name, int n) {
        return builder().add(name, n).build();
    }

    public List<ParamSpec> params() {
        return params;
    }

    public ParamSpec get(String name) {
        ParamSpec p = byName.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter named " + name + "; have " + byName.keySet());
        return p;
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    /** Total number of floats. */
    public long size() {
        return size;
    }

    /** {@link #size()} as the length of one {@code float[]}; a clear error if the model is too large for that. */
    public int arraySize() {
        return Fp32Storage.length(size, "the model (" + params.size() + " tensors)");
    }

    /** The whole vector as one fragment with id 0. */
    public Fragment whole() {
        return new Fragment(0, List.of(new Range(0, size)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamLayout l && l.params.equals(params);
    }

    @Override
    public int hashCode() {
        return params.hashCode();
    }

    @Override
    public String toString() {
        return "ParamLayout(" + params.size() + " tensors, " + size + " floats)";
    }

    public static final class Builder {
        private final List<ParamSpec> specs = new ArrayList<>();
        private long next;

        public Builder add(String name, int... shape) {
            ParamSpec p = new ParamSpec(name, shape, next);
            if (next > Long.MAX_VALUE - p.numel()) {
                throw new IllegalArgumentException("model larger than 2^63 floats at " + name + Arrays.toString(shape));
            }
            next += p.numel();
            specs.add(p);
            return this;
        }

        public ParamLayout build() {
            return new ParamLayout(specs);
        }
    }
}
