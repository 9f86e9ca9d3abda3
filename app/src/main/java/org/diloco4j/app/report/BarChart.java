package org.diloco4j.app.report;

import java.util.Map;
import java.util.SortedMap;

/** A histogram of whole-number categories (staleness) as an inline SVG bar chart. */
final class BarChart {
    static final double WIDTH = 560;
    static final double HEIGHT = 220;
    /** Categories from this one on share the last bar. */
    static final int MAX_BARS = 24;
    private static final double LEFT = 58;
    private static final double RIGHT = 12;
    private static final double TOP = 16;
    private static final double BOTTOM = 40;

    private BarChart() {
    }

    /**
     * @param counts category → count; categories below 0 are ignored
     * @param color  bar colour
     */
    static String svg(String label, SortedMap<Long, Long> counts, String color, String xTitle, String yTitle) {
        long[] bars = new long[0];
        int last = counts.isEmpty() ? -1 : (int) Math.min(counts.lastKey(), MAX_BARS - 1);
        if (last >= 0) {
            bars = new long[last + 1];
            for (Map.Entry<Long, Long> e : counts.entrySet()) {
                if (e.getKey() >= 0) {
                    bars[(int) Math.min(e.getKey(), last)] += e.getValue();
                }
            }
        }
        boolean lumped = !counts.isEmpty() && counts.lastKey() >= MAX_BARS;
        Svg svg = new Svg(WIDTH, HEIGHT, "plot bars", label);
        double x0 = LEFT;
        double x1 = WIDTH - RIGHT;
        double y0 = HEIGHT - BOTTOM;
        double y1 = TOP;
        long max = 0;
        long total = 0;
        for (long b : bars) {
            max = Math.max(max, b);
            total += b;
        }
        if (bars.length == 0 || max == 0) {
            svg.rect(x0, y1, x1 - x0, y0 - y1, "frame", null);
            svg.text((x0 + x1) / 2, (y0 + y1) / 2, "middle", "empty", "nothing applied");
            return svg.finish();
        }
        Ticks yt = Ticks.linear(0, max, 4, Quantity.COUNT, true);
        Scale ys = Scale.of(yt, y0, y1, false);
        svg.group("class", "grid");
        for (Ticks.Tick t : yt.ticks()) {
            svg.line(x0, ys.px(t.value()), x1, ys.px(t.value()), "g");
        }
        svg.end();
        double slot = (x1 - x0) / bars.length;
        double w = Math.max(2, slot * 0.72);
        svg.group("class", "ticks");
        for (Ticks.Tick t : yt.ticks()) {
            svg.text(x0 - 6, ys.px(t.value()) + 4, "end", null, t.label());
        }
        int labelEvery = bars.length > 16 ? 2 : 1;
        for (int i = 0; i < bars.length; i++) {
            if (i % labelEvery == 0 || i == bars.length - 1) {
                String cat = lumped && i == bars.length - 1 ? "≥" + i : Integer.toString(i);
                svg.text(x0 + slot * (i + 0.5), y0 + 15, "middle", null, cat);
            }
        }
        svg.end();
        for (int i = 0; i < bars.length; i++) {
            double x = x0 + slot * i + (slot - w) / 2;
            double y = ys.px(bars[i]);
            String cat = lumped && i == bars.length - 1 ? "≥" + i : Integer.toString(i);
            String tip = xTitle + " " + cat + ": " + Fmt.count(bars[i]) + " (" + Fmt.percent(bars[i] / (double) total) + ")";
            svg.element("rect", tip, "x", Svg.n(x), "y", Svg.n(y), "width", Svg.n(w), "height", Svg.n(y0 - y),
                    "fill", color, "class", "bar");
            if (bars.length <= 16 && bars[i] > 0) {
                svg.text(x + w / 2, y - 4, "middle", "bar-label", Fmt.count(bars[i]));
            }
        }
        svg.line(x0, y0, x1, y0, "axis");
        svg.text((x0 + x1) / 2, HEIGHT - 6, "middle", "axis-title", xTitle);
        svg.verticalText(13, (y0 + y1) / 2, "axis-title", yTitle);
        return svg.finish();
    }
}
