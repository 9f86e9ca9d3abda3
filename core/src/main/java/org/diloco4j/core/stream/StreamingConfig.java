package org.diloco4j.core.stream;

import org.diloco4j.core.params.BlockAssignment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.FragmentPlanner;
import org.diloco4j.core.params.ParamLayout;

/**
 * Streaming DiLoCo settings as written in a run config.
 *
 * @param fragments  P ≥ 1 (1 = plain DiLoCo)
 * @param assignment how whole blocks are grouped: strided (the default) or sequential
 * @param overlap    τ, inner steps between sending a fragment and merging its result
 * @param mergeAlpha α ∈ [0, 1], share of the local values kept at the merge (0 overwrites)
 */
public record StreamingConfig(int fragments, BlockAssignment assignment, int overlap, double mergeAlpha) {
    public StreamingConfig {
        if (fragments < 1) throw new IllegalArgumentException("streaming.fragments = " + fragments + " is invalid: must be >= 1");
        if (assignment == null) throw new IllegalArgumentException("streaming.layout is missing; allowed: sequential, strided");
        if (overlap < 0) throw new IllegalArgumentException("streaming.overlap = " + overlap + " is invalid: must be >= 0");
        if (!(mergeAlpha >= 0 && mergeAlpha <= 1)) {
            throw new IllegalArgumentException("streaming.merge-alpha = " + mergeAlpha + " is invalid: must be in [0, 1]");
        }
    }

    /** No streaming: one fragment, no overlap. */
    public static StreamingConfig off() {
        return new StreamingConfig(1, BlockAssignment.STRIDED, 0, 0);
    }

    /** The schedule for H inner steps (checks H mod P = 0 and τ &lt; H/P). */
    public StreamingSchedule schedule(int innerSteps) {
        return new StreamingSchedule(innerSteps, fragments, overlap);
    }

    public FragmentPlan plan(ParamLayout layout) {
        return FragmentPlanner.plan(layout, fragments, assignment);
    }
}
