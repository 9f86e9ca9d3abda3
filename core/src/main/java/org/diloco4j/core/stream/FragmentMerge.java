package org.diloco4j.core.stream;

import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.Range;
import org.diloco4j.core.params.VectorOps;

/**
 * Merges a freshly synchronised fragment into a worker's local parameters:
 * {@code θ_local ← α θ_local + (1 − α) θ_global} on the fragment's ranges only. α = 0 overwrites
 * (exactly), larger α keeps some of the progress the worker made during the overlap τ.
 */
public final class FragmentMerge {
    private FragmentMerge() {
    }

    /**
     * @param fragment   which part of θ
     * @param local      the worker's full parameter vector, updated on the fragment's ranges
     * @param global     the fragment's new global values, dense (length {@code fragment.size()})
     * @param alpha      share of the local values kept, in [0, 1]
     */
    public static void merge(Fragment fragment, float[] local, float[] global, float alpha) {
        if (!(alpha >= 0f && alpha <= 1f)) throw new IllegalArgumentException("merge α must be in [0, 1], got " + alpha);
        VectorOps.requireLength("merge of fragment " + fragment.id(), "global", global, fragment.arraySize());
        int o = 0;
        for (Range r : fragment.ranges()) {
            if (r.end() > local.length) {
                throw new IllegalArgumentException("merge of fragment " + fragment.id() + ": range " + r + " is outside θ_local of length " + local.length);
            }
            VectorOps.lerp(local, r.arrayStart(), global, o, r.arrayLength(), 1f - alpha);
            o += r.length();
        }
    }
}
