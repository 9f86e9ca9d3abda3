package org.diloco4j.app.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.diloco4j.core.run.Segment;

/**
 * Turns a run's segments (tens of thousands of them in long runs) into the few shapes a timeline
 * row can show: merge touching segments of the same kind (lossless), split off communication that
 * overlapped computation, then rasterize each lane to pixel columns (see {@link #rasterize}).
 */
final class Segments {
    private Segments() {
    }

    /** A worker's interval of one kind. */
    record Span(Segment.Kind kind, double start, double end) {
        double duration() {
            return end - start;
        }
    }

    /**
     * A stretch of a timeline row drawn as one stack of bars.
     *
     * @param levels per kind (by ordinal), its height in quantization steps
     * @param shares per kind, the fraction of [start, end] it covered
     */
    record Block(double start, double end, List<Integer> levels, List<Double> shares) {
        Block {
            levels = List.copyOf(levels);
            shares = List.copyOf(shares);
        }

        int level(Segment.Kind k) {
            return levels.get(k.ordinal());
        }

        double share(Segment.Kind k) {
            return shares.get(k.ordinal());
        }
    }

    /** One worker's row: the main lane and the communication that overlapped computation (streaming). */
    record Lanes(List<Span> main, List<Span> overlapped) {
    }

    /** Segments grouped by worker in order of first appearance, each merged and sorted by start. */
    static Map<String, List<Span>> mergeByWorker(List<Segment> segments) {
        Map<String, List<Span>> raw = new LinkedHashMap<>();
        for (Segment s : segments) {
            raw.computeIfAbsent(s.worker(), w -> new ArrayList<>()).add(new Span(s.kind(), s.start(), s.end()));
        }
        Map<String, List<Span>> out = new LinkedHashMap<>();
        raw.forEach((w, spans) -> out.put(w, merge(spans)));
        return out;
    }

    /**
     * Merges segments of the same kind that touch or overlap; the result is sorted by start. The
     * time per kind is unchanged unless same-kind segments overlapped (then it is their union).
     */
    static List<Span> merge(List<Span> spans) {
        List<Span> sorted = new ArrayList<>(spans);
        sorted.sort(Comparator.comparing(Span::kind).thenComparingDouble(Span::start));
        List<Span> out = new ArrayList<>();
        Span cur = null;
        for (Span s : sorted) {
            if (cur != null && cur.kind() == s.kind() && s.start() <= cur.end() + eps(cur.end())) {
                cur = new Span(cur.kind(), cur.start(), Math.max(cur.end(), s.end()));
            } else {
                if (cur != null) {
                    out.add(cur);
                }
                cur = s;
            }
        }
        if (cur != null) {
            out.add(cur);
        }
        out.sort(Comparator.comparingDouble(Span::start).thenComparing(Span::kind));
        return out;
    }

    /** Seconds per kind. */
    static Map<Segment.Kind, Double> totals(List<Span> spans) {
        Map<Segment.Kind, Double> t = new EnumMap<>(Segment.Kind.class);
        for (Segment.Kind k : Segment.Kind.values()) {
            t.put(k, 0.0);
        }
        for (Span s : spans) {
            t.merge(s.kind(), s.duration(), Double::sum);
        }
        return t;
    }

    /**
     * Splits a merged row into the main lane (compute, idle, and communication outside computation)
     * and the communication segments that overlapped computation, which the timeline draws as a band.
     */
    static Lanes lanes(List<Span> merged) {
        List<Span> compute = merged.stream().filter(s -> s.kind() == Segment.Kind.COMPUTE).toList();
        List<Span> main = new ArrayList<>();
        List<Span> overlapped = new ArrayList<>();
        int j = 0;
        for (Span s : merged) {
            if (s.kind() != Segment.Kind.COMMUNICATE) {
                main.add(s);
                continue;
            }
            while (j < compute.size() && compute.get(j).end() <= s.start()) {
                j++;
            }
            double at = s.start();
            boolean overlaps = false;
            for (int k = j; k < compute.size() && compute.get(k).start() < s.end(); k++) {
                Span c = compute.get(k);
                double from = Math.max(c.start(), s.start());
                double to = Math.min(c.end(), s.end());
                if (to - from <= eps(to)) {
                    continue;
                }
                overlaps = true;
                if (from > at) {
                    main.add(new Span(s.kind(), at, from));
                }
                at = Math.max(at, to);
            }
            if (!overlaps) {
                main.add(s);
                continue;
            }
            overlapped.add(s);
            if (s.end() > at + eps(s.end())) {
                main.add(new Span(s.kind(), at, s.end()));
            }
        }
        main.sort(Comparator.comparingDouble(Span::start));
        return new Lanes(main, overlapped);
    }

    /**
     * Rasterizes a lane onto {@code columns} equal time columns over [t0, t1]: each column gets the
     * share of its time each kind covered, quantized to {@code levels} steps, and runs of columns
     * with the same quantized shares become one {@link Block}. A stretch of sub-pixel segments thus
     * shows its true mix instead of whichever segment happened to land on a pixel, and the number of
     * blocks never exceeds the number of columns.
     */
    static List<Block> rasterize(List<Span> lane, double t0, double t1, int columns, int levels) {
        if (!(t1 > t0) || columns < 1 || levels < 1) {
            throw new IllegalArgumentException("need t0 < t1, columns >= 1 and levels >= 1, got [" + t0 + ", " + t1
                    + "], " + columns + ", " + levels);
        }
        int kinds = Segment.Kind.values().length;
        double col = (t1 - t0) / columns;
        double[][] cover = new double[columns][kinds];
        // First and last covered moment of each column: blocks start and end where segments do.
        double[] first = new double[columns];
        double[] last = new double[columns];
        java.util.Arrays.fill(first, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(last, Double.NEGATIVE_INFINITY);
        for (Span s : lane) {
            double a = Math.max(t0, s.start());
            double b = Math.min(t1, s.end());
            if (b <= a) {
                continue;
            }
            int c0 = (int) Math.min(columns - 1, Math.floor((a - t0) / col));
            int c1 = (int) Math.min(columns - 1, Math.floor((b - t0) / col));
            for (int c = c0; c <= c1; c++) {
                double lo = Math.max(a, t0 + c * col);
                double hi = Math.min(b, t0 + (c + 1) * col);
                if (hi > lo) {
                    cover[c][s.kind().ordinal()] += hi - lo;
                    first[c] = Math.min(first[c], lo);
                    last[c] = Math.max(last[c], hi);
                }
            }
        }
        List<Block> out = new ArrayList<>();
        int runStart = -1;
        int[] runLevels = null;
        for (int c = 0; c <= columns; c++) {
            int[] lv = c < columns ? quantize(cover[c], col, levels) : null;
            if (runLevels != null && (lv == null || !java.util.Arrays.equals(lv, runLevels))) {
                out.add(block(cover, runStart, c, runLevels, first[runStart], last[c - 1]));
                runLevels = null;
            }
            if (lv != null && runLevels == null && java.util.Arrays.stream(lv).sum() > 0) {
                runStart = c;
                runLevels = lv;
            }
        }
        return out;
    }

    /**
     * Levels per kind for one column; levels never add up to more than {@code levels}. A column
     * touched by one kind only is all or nothing (at least half covered or not), so a segment's
     * edges fall on whole pixels instead of leaving a partial stack at each end.
     */
    private static int[] quantize(double[] cover, double col, int levels) {
        int[] lv = new int[cover.length];
        int only = -1;
        int touched = 0;
        for (int k = 0; k < cover.length; k++) {
            if (cover[k] > 0) {
                only = k;
                touched++;
            }
        }
        if (touched == 1) {
            lv[only] = cover[only] >= col / 2 ? levels : 0;
            return lv;
        }
        int sum = 0;
        for (int k = 0; k < cover.length; k++) {
            lv[k] = (int) Math.round(Math.min(1, cover[k] / col) * levels);
            sum += lv[k];
        }
        while (sum > levels) {
            int biggest = 0;
            for (int k = 1; k < lv.length; k++) {
                biggest = lv[k] > lv[biggest] ? k : biggest;
            }
            lv[biggest]--;
            sum--;
        }
        return lv;
    }

    private static Block block(double[][] cover, int from, int to, int[] levels, double start, double end) {
        double[] share = new double[levels.length];
        for (int c = from; c < to; c++) {
            for (int k = 0; k < share.length; k++) {
                share[k] += cover[c][k];
            }
        }
        List<Double> shares = new ArrayList<>();
        List<Integer> lv = new ArrayList<>();
        for (int k = 0; k < share.length; k++) {
            shares.add(share[k] / (end - start));
            lv.add(levels[k]);
        }
        return new Block(start, end, lv, shares);
    }

    private static double eps(double t) {
        return 1e-9 * Math.max(1, Math.abs(t));
    }
}
