package org.diloco4j.core.params;

import java.util.Arrays;
import java.util.Locale;

/**
 * How whole transformer blocks are grouped into streaming fragments; blocks left over when the
 * count is not a multiple of P are shared out with the embeddings ({@link FragmentPlanner}).
 */
public enum BlockAssignment {
    /** Consecutive blocks together: with 8 blocks and 4 fragments, {0,1} {2,3} {4,5} {6,7}. */
    SEQUENTIAL("sequential"),
    /** Interleaved (Streaming DiLoCo's default): block i goes to fragment {@code i mod P}; with 8 blocks and 4 fragments, {0,4} {1,5} {2,6} {3,7}. */
    STRIDED("strided");

    private final String id;

    BlockAssignment(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static BlockAssignment parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (BlockAssignment a : values()) {
            if (a.id.equals(k)) return a;
        }
        throw new IllegalArgumentException("unknown fragment layout '" + s + "'; allowed: "
                + String.join(", ", Arrays.stream(values()).map(BlockAssignment::id).toList()));
    }

    @Override
    public String toString() {
        return id;
    }
}
