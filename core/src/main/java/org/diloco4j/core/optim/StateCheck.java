package org.diloco4j.core.optim;

import java.util.Set;
import java.util.TreeSet;

/** Validation of an {@link OptimizerState} before an optimizer restores it. */
final class StateCheck {
    private StateCheck() {
    }

    static void kind(OptimizerState s, String expected) {
        if (!s.kind().equals(expected)) {
            throw new IllegalArgumentException("cannot restore optimizer state of kind '" + s.kind()
                    + "' into an optimizer of kind '" + expected + "'");
        }
    }

    /** Checks the state holds exactly the named buffers, each of length {@code size}. */
    static void buffers(OptimizerState s, int size, String... names) {
        Set<String> want = new TreeSet<>(Set.of(names));
        if (!s.buffers().keySet().equals(want)) {
            throw new IllegalArgumentException("optimizer state of kind '" + s.kind() + "' has buffers "
                    + new TreeSet<>(s.buffers().keySet()) + ", expected " + want);
        }
        for (String n : names) {
            long length = s.buffers().get(n).size();
            if (length != size) {
                throw new IllegalArgumentException("optimizer state buffer '" + n + "' has " + length
                        + " floats but this optimizer has size " + size);
            }
        }
    }

    static long counter(OptimizerState s, String name, long min, long max) {
        Long v = s.counters().get(name);
        if (v == null) {
            throw new IllegalArgumentException("optimizer state of kind '" + s.kind() + "' lacks counter '" + name
                    + "'; has " + new TreeSet<>(s.counters().keySet()));
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("optimizer state counter '" + name + "' = " + v + " is outside [" + min + ", " + max + "]");
        }
        return v;
    }
}
