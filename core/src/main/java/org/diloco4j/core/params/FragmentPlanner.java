package org.diloco4j.core.params;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * Splits a {@link ParamLayout} into P streaming fragments of near-equal size, so that syncing one
 * fragment moves 1/P of the model (the peak bandwidth Streaming DiLoCo divides by P).
 *
 * <p>Naming convention (the GPT follows it): a parameter named {@code blocks.<i>.…} belongs to
 * transformer block {@code i}; every other parameter (token and position embeddings, the final
 * layer norm, an untied head) is shared.
 *
 * <p>The rule, for a layout with n blocks (ranked by index; indices need not start at 0 or be
 * dense) and q = ⌊n / P⌋:
 * <ul>
 *   <li>P = 1: one fragment holding everything.</li>
 *   <li>Whole blocks: {@link BlockAssignment#STRIDED} (Streaming DiLoCo's default) gives fragment p
 *       the blocks of rank p, p + P, …, p + (q − 1)P; {@link BlockAssignment#SEQUENTIAL} gives it
 *       the q consecutive blocks from rank p·q.</li>
 *   <li>The pool: the last n mod P blocks and every shared parameter, in layout order, as one run
 *       of floats that ignores tensor boundaries. It is cut into consecutive slices that fill the
 *       fragments up to a common level (water-filling: the smallest level L such that topping every
 *       fragment up to L uses the whole pool; fragments already above L get nothing, the first
 *       ones at the level one float more). With equal blocks every fragment ends within one float
 *       of size/P.</li>
 * </ul>
 * A layout with no blocks is all pool: P contiguous ranges of near-equal length, the first
 * {@code size mod P} one float longer. Before this rule the embeddings were a fragment of their
 * own: for the default GPT (4 blocks of 198,272 floats, 49,408 shared, P = 4) fragments of 49k /
 * 397k / 198k / 198k, a peak sync of 47 % of the model (1.9× a quarter); now four of 210,624.
 */
public final class FragmentPlanner {
    static final String BLOCK_PREFIX = "blocks.";

    private FragmentPlanner() {
    }

    public static FragmentPlan plan(ParamLayout layout, int fragments, BlockAssignment assignment) {
        if (fragments < 1) throw new IllegalArgumentException("number of fragments must be >= 1, got " + fragments);
        if (layout.size() == 0) throw new IllegalArgumentException("cannot fragment an empty layout");
        if (fragments > layout.size()) {
            throw new IllegalArgumentException("cannot split " + layout.size() + " floats into " + fragments + " non-empty fragments");
        }
        TreeMap<Integer, List<Range>> blocks = new TreeMap<>();
        List<Range> pool = new ArrayList<>();
        for (ParamSpec p : layout.params()) {
            int b = blockIndex(p.name());
            if (b < 0) pool.add(p.range());
            else blocks.computeIfAbsent(b, k -> new ArrayList<>()).add(p.range());
        }
        if (blocks.isEmpty()) return contiguous(layout.size(), fragments);
        if (fragments == 1) return FragmentPlan.whole(layout.size());

        int n = blocks.size();
        int q = n / fragments;
        List<List<Range>> ranges = new ArrayList<>();
        List<List<Integer>> ids = new ArrayList<>();
        long[] base = new long[fragments];
        for (int p = 0; p < fragments; p++) {
            ranges.add(new ArrayList<>());
            ids.add(new ArrayList<>());
        }
        int rank = 0;
        for (var e : blocks.entrySet()) {
            if (rank < q * fragments) {
                int p = assignment == BlockAssignment.STRIDED ? rank % fragments : rank / q;
                ranges.get(p).addAll(e.getValue());
                ids.get(p).add(e.getKey());
                for (Range r : e.getValue()) base[p] += r.length();
            } else {
                pool.addAll(e.getValue());
            }
            rank++;
        }
        List<Range> sortedPool = merge(pool);
        long poolSize = 0;
        for (Range r : sortedPool) poolSize += r.length();
        long[] take = waterFill(base, poolSize);
        PoolCursor cursor = new PoolCursor(sortedPool);
        List<Fragment> out = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int p = 0; p < fragments; p++) {
            ranges.get(p).addAll(cursor.next(take[p]));
            out.add(new Fragment(p, merge(ranges.get(p))));
            labels.add(label(ids.get(p), take[p]));
        }
        return new FragmentPlan(out, labels, layout.size());
    }

    /**
     * How many pool floats each fragment takes so that fragment sizes {@code base[p] + take[p]}
     * reach a common level: the smallest L with Σ max(0, L − base[p]) ≥ pool; fragments below L − 1
     * are topped up to L − 1, and the floats left over go one each to the first fragments at that level.
     */
    static long[] waterFill(long[] base, long pool) {
        long lo = 0;
        long hi = pool;
        for (long b : base) hi = Math.max(hi, b + pool);
        while (lo < hi) { // smallest L with fill(L) >= pool
            long mid = (lo + hi) >>> 1;
            if (fill(base, mid) >= pool) hi = mid;
            else lo = mid + 1;
        }
        long level = Math.max(0, lo - 1);
        long[] take = new long[base.length];
        long left = pool;
        for (int p = 0; p < base.length; p++) {
            take[p] = Math.max(0, level - base[p]);
            left -= take[p];
        }
        for (int p = 0; p < base.length && left > 0; p++) {
            if (base[p] + take[p] == level) {
                take[p]++;
                left--;
            }
        }
        return take;
    }

    private static long fill(long[] base, long level) {
        long s = 0;
        for (long b : base) s += Math.max(0, level - b);
        return s;
    }

    /** Hands out consecutive slices of the pool's ranges. */
    private static final class PoolCursor {
        private final List<Range> pool;
        private int index;
        private long offset;

        PoolCursor(List<Range> pool) {
            this.pool = pool;
        }

        List<Range> next(long count) {
            List<Range> out = new ArrayList<>();
            long left = count;
            while (left > 0) {
                Range r = pool.get(index);
                long n = Math.min(left, r.length() - offset);
                out.add(new Range(r.start() + offset, n));
                offset += n;
                left -= n;
                if (offset == r.length()) {
                    index++;
                    offset = 0;
                }
            }
            return out;
        }
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
    static FragmentPlan contiguous(long size, int fragments) {
        List<Fragment> out = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        long base = size / fragments;
        long extra = size % fragments;
        long start = 0;
        for (int p = 0; p < fragments; p++) {
            long len = base + (p < extra ? 1 : 0);
            out.add(new Fragment(p, List.of(new Range(start, len))));
            labels.add("floats [" + start + ", " + (start + len) + ")");
            start += len;
        }
        return new FragmentPlan(out, labels, size);
    }

    /** Sorts ranges and joins touching ones, so a fragment of consecutive tensors is one range. */
    private static List<Range> merge(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(Range::start));
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

    /** "blocks 0,4 + 12352 shared floats", "block 3", "blocks 0-1", "12352 shared floats". */
    private static String label(List<Integer> ids, long shared) {
        String blocks = blockLabel(ids);
        String pool = shared > 0 ? shared + " shared floats" : "";
        if (blocks.isEmpty()) return pool;
        return pool.isEmpty() ? blocks : blocks + " + " + pool;
    }

    private static String blockLabel(List<Integer> ids) {
        if (ids.isEmpty()) return "";
        if (ids.size() == 1) return "block " + ids.getFirst();
        boolean consecutive = true;
        for (int k = 1; k < ids.size(); k++) consecutive &= ids.get(k) == ids.get(k - 1) + 1;
        if (consecutive) return "blocks " + ids.getFirst() + "-" + ids.getLast();
        StringBuilder b = new StringBuilder("blocks ");
        for (int k = 0; k < ids.size(); k++) b.append(k == 0 ? "" : ",").append(ids.get(k));
        return b.toString();
    }
}
