package org.diloco4j.core.params;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A partition of the flat parameter vector into fragments {@code 0..count()-1}: every float belongs
 * to exactly one fragment. Made by {@link FragmentPlanner}; the constructor re-checks the partition
 * so a hand-built plan cannot silently skip or double-count parameters.
 *
 * @param fragments fragment {@code p} at index {@code p}
 * @param labels    what each fragment holds, for logs and reports (e.g. {@code embeddings}, {@code blocks 0-3})
 * @param totalSize length of the flat vector being partitioned
 */
public record FragmentPlan(List<Fragment> fragments, List<String> labels, long totalSize) {
    public FragmentPlan {
        fragments = List.copyOf(fragments);
        labels = List.copyOf(labels);
        if (fragments.isEmpty()) throw new IllegalArgumentException("a fragment plan needs at least one fragment");
        if (labels.size() != fragments.size()) {
            throw new IllegalArgumentException(fragments.size() + " fragments but " + labels.size() + " labels");
        }
        List<Range> all = new ArrayList<>();
        for (int p = 0; p < fragments.size(); p++) {
            Fragment f = fragments.get(p);
            if (f.id() != p) throw new IllegalArgumentException("fragment at index " + p + " has id " + f.id());
            if (f.size() == 0) throw new IllegalArgumentException("fragment " + p + " (" + labels.get(p) + ") is empty");
            all.addAll(f.ranges());
        }
        all.sort(Comparator.comparingLong(Range::start));
        long next = 0;
        for (Range r : all) {
            if (r.start() != next) {
                throw new IllegalArgumentException("fragments do not partition [0, " + totalSize + "): "
                        + (r.start() < next ? "overlap" : "gap") + " at float " + Math.min(r.start(), next));
            }
            next = r.end();
        }
        if (next != totalSize) {
            throw new IllegalArgumentException("fragments cover [0, " + next + ") but the vector has " + totalSize + " floats");
        }
    }

    /** The single-fragment plan: the whole vector as fragment 0. */
    public static FragmentPlan whole(long size) {
        return new FragmentPlan(List.of(new Fragment(0, List.of(new Range(0, size)))), List.of("all"), size);
    }

    public int count() {
        return fragments.size();
    }

    public Fragment fragment(int id) {
        if (id < 0 || id >= fragments.size()) {
            throw new IllegalArgumentException("fragment id " + id + " out of range [0, " + fragments.size() + ")");
        }
        return fragments.get(id);
    }

    public String label(int id) {
        fragment(id);
        return labels.get(id);
    }

    /** {@link #totalSize()} as the length of one {@code float[]} holding the whole vector ({@link Fp32Storage}). */
    public int arraySize() {
        return Fp32Storage.length(totalSize, "the model");
    }

    /** Sizes in floats, indexed by fragment id. */
    public long[] sizes() {
        long[] s = new long[fragments.size()];
        for (int p = 0; p < s.length; p++) s[p] = fragments.get(p).size();
        return s;
    }

    /** Size of the largest fragment in floats: what sets the peak traffic of a streaming sync. */
    public long maxFragmentSize() {
        long m = 0;
        for (Fragment f : fragments) m = Math.max(m, f.size());
        return m;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("FragmentPlan(");
        for (int p = 0; p < fragments.size(); p++) {
            if (p > 0) b.append("; ");
            b.append(p).append(": ").append(labels.get(p)).append(" = ").append(fragments.get(p).size()).append(" floats");
        }
        return b.append(')').toString();
    }
}
