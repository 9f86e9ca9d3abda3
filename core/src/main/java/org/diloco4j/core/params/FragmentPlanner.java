package org.diloco4j.core.params;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Splits a {@link ParamLayout} into P streaming fragments.
 *
 * <p>Naming convention (the GPT follows it): a parameter named {@code blocks.<i>.…} belongs to
 * transformer block {@code i}; every other parameter (token and position embeddings, the final
 * layer norm, an untied head) belongs to one "embeddings" unit.
 *
 * <p>The rule, for a layout with n ≥ 1 blocks:
 * <ul>
 *   <li>P = 1: one fragment holding everything.</li>
 *   <li>P ≥ 2 and an embeddings unit exists: fragment 0 is the embeddings unit alone, and the
 *       blocks form fragments 1..P−1 (so P ≤ n + 1). The embeddings only join a block fragment in
 *       the P = 1 case: they are typically as large as several blocks, and keeping them apart
 *       keeps the block fragments alike.</li>
 *   <li>No embeddings unit (every parameter is in a block): the blocks form fragments 0..P−1 (P ≤ n).</li>
 * </ul>
 * With G block groups, {@link BlockAssignment#SEQUENTIAL} gives group g consecutive blocks (the
 * first {@code n mod G} groups one block more), {@link BlockAssignment#STRIDED} gives the j-th
 * block (in increasing block index) to group {@code j mod G}. Blocks are ranked by index, so
 * indices need not start at 0 or be dense.
 *
 * <p>A layout with no block structure is split into P contiguous ranges of near-equal length (the
 * first {@code size mod P} one float longer), ignoring tensor boundaries.
 */
public final class FragmentPlanner {
    static final String BLOCK_PREFIX = "blocks.";

    private FragmentPlanner() {
    }

    public static FragmentPlan plan(ParamLayout layout, int fragments, BlockAssignment assignment) {
        if (fragments < 1) throw new IllegalArgumentException("number of fragments must be >= 1, got " + fragments);
        if (layout.size() == 0) throw new IllegalArgumentException("cannot fragment an empty layout");
        TreeMap<Integer, List<Range>> blocks = new TreeMap<>();
        List<Range> embeddings = new ArrayList<>();
        for (ParamSpec p : layout.params()) {
            int b = blockIndex(p.name());
            if (b < 0) embeddings.add(p.range());
            else blocks.computeIfAbsent(b, k -> new ArrayList<>()).add(p.range());
        }
        if (blocks.isEmpty()) return contiguous(layout.size(), fragments);
        if (fragments == 1) return FragmentPlan.whole(layout.size());

        boolean hasEmbeddings = !embeddings.isEmpty();
        int groups = hasEmbeddings ? fragments - 1 : fragments;
        int n = blocks.size();
        if (groups > n) {
            throw new IllegalArgumentException("cannot make " + fragments + " fragments: the layout has " + n + " blocks"
                    + (hasEmbeddings ? " plus one embeddings unit, so at most " + (n + 1) : ", so at most " + n));
        }
        List<List<Range>> groupRanges = new ArrayList<>();
        List<List<Integer>> groupBlocks = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            groupRanges.add(new ArrayList<>());
            groupBlocks.add(new ArrayList<>());
        }
        int rank = 0;
        for (var e : blocks.entrySet()) {
            int g = assignment == BlockAssignment.STRIDED ? rank % groups : sequentialGroup(rank, n, groups);
            groupRanges.get(g).addAll(e.getValue());
            groupBlocks.get(g).add(e.getKey());
            rank++;
        }
        List<Fragment> out = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        if (hasEmbeddings) {
            out.add(new Fragment(0, merge(embeddings)));
            labels.add("embeddings");
        }
        for (int g = 0; g < groups; g++) {
            out.add(new Fragment(out.size(), merge(groupRanges.get(g))));
            labels.add(blockLabel(groupBlocks.get(g)));
        }
        return new FragmentPlan(out, labels, layout.size());
    }

    /** The block a parameter belongs to, or −1 if its name is not {@code blocks.<i>.…}. */
    public static int blockIndex(String name) {
        if (!name.startsWith(BLOCK_PREFIX)) return -1;
        int i = BLOCK_PREFIX.length();
        int end = name.indexOf('.', i);
        if (end <= i || end - i > 9) return -1;
        int v = 0;
        for (int k = i; k < end; k++) {
            char c = name.charAt(k);
            if (c < '0' || c > '9') return -1;
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** P contiguous, near-equal ranges of [0, size). */
    static FragmentPlan contiguous(int size, int fragments) {
        if (fragments > size) {
            throw new IllegalArgumentException("cannot split " + size + " floats into " + fragments + " non-empty fragments");
        }
        List<Fragment> out = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        int base = size / fragments;
        int extra = size % fragments;
        int start = 0;
        for (int p = 0; p < fragments; p++) {
            int len = base + (p < extra ? 1 : 0);
            out.add(new Fragment(p, List.of(new Range(start, len))));
            labels.add("floats [" + start + ", " + (start + len) + ")");
            start += len;
        }
        return new FragmentPlan(out, labels, size);
    }

    /** Group of the block of rank {@code r} when n blocks are cut into G consecutive runs, the first n mod G one longer. */
    private static int sequentialGroup(int r, int n, int groups) {
        int base = n / groups;
        int extra = n % groups;
        int cut = extra * (base + 1);
        return r < cut ? r / (base + 1) : extra + (r - cut) / base;
    }

    /** Sorts ranges and joins touching ones, so a fragment of consecutive tensors is one range. */
    private static List<Range> merge(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingInt(Range::start));
        List<Range> out = new ArrayList<>();
        for (Range r : sorted) {
            if (!out.isEmpty() && out.getLast().end() == r.start()) {
                Range last = out.removeLast();
                out.add(new Range(last.start(), last.length() + r.length()));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    private static String blockLabel(List<Integer> ids) {
        if (ids.size() == 1) return "block " + ids.getFirst();
        boolean consecutive = true;
        for (int k = 1; k < ids.size(); k++) consecutive &= ids.get(k) == ids.get(k - 1) + 1;
        if (consecutive) return "blocks " + ids.getFirst() + "-" + ids.getLast();
        StringBuilder b = new StringBuilder("blocks ");
        for (int k = 0; k < ids.size(); k++) b.append(k == 0 ? "" : ",").append(ids.get(k));
        return b.toString();
    }
}
