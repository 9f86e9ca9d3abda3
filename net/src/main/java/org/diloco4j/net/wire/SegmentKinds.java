package org.diloco4j.net.wire;

import org.diloco4j.core.run.Segment;

import java.util.Arrays;
import java.util.List;

/**
 * Segment kinds on the wire: a heartbeat's segments carry core's {@link Segment.Kind} as its
 * label ("compute", "communicate", "idle"), the same word metrics.jsonl and the report use.
 */
public final class SegmentKinds {
    /** Every label a heartbeat may carry, in the enum's order. */
    public static final List<String> LABELS = Arrays.stream(Segment.Kind.values()).map(Segment.Kind::label).toList();

    private SegmentKinds() {
    }

    /** The kind a wire label names, or null if it names none (the heartbeat check refuses those). */
    public static Segment.Kind fromWire(String label) {
        for (Segment.Kind k : Segment.Kind.values()) if (k.label().equals(label)) return k;
        return null;
    }
}
