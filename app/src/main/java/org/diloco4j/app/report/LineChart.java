package org.diloco4j.app.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A line chart as an HTML figure: caption, legend and an inline SVG with nice-tick axes, grid,
 * one polyline per series and hover titles on the markers. Lines are clipped to the plot area, so
 * a zoomed view ({@link #xFrom}) simply leaves the early part out.
 */
final class LineChart {
    static final double WIDTH = 580;
    static final double WIDE = 1180;
    static final double HEIGHT = 300;
    private static final double LEFT = 58;
    private static final double RIGHT = 16;
    private static final double TOP = 12;
    private static final double BOTTOM = 42;
    private static final int MAX_MARKERS = 60;

    private final String id;
    private final String title;
    private String subtitle = "";
    private String xTitle = "";
    private Quantity xq = Quantity.PLAIN;
    private boolean xLog;
    private boolean xFromZero;
    private double xFrom = Double.NaN;
    private String yTitle = "";
    private Quantity yq = Quantity.PLAIN;
    private final List<Series> series = new ArrayList<>();
    private final List<Rule> rules = new ArrayList<>();
    private double width = WIDTH;

    /** A vertical reference line at x, labelled at its top. */
    private record Rule(double x, String label) {
    }

    /** @param id unique within the page (names the clip path) */
    LineChart(String id, String title) {
        this.id = id;
        this.title = title;
    }

    /** The chart's width in CSS pixels ({@link #WIDTH} by default, {@link #WIDE} for a full row). */
    LineChart width(double w) {
        width = w;
        return this;
    }

    /** Adds a labelled vertical reference line; the x axis is widened to show it. */
    LineChart rule(double x, String label) {
        rules.add(new Rule(x, label));
        return this;
    }

    LineChart subtitle(String s) {
        subtitle = s;
        return this;
    }

    LineChart x(String axisTitle, Quantity q, boolean log, boolean fromZero) {
        xTitle = axisTitle;
        xq = q;
        xLog = log;
        xFromZero = fromZero && !log;
        return this;
    }

    /** Shows only x ≥ from; the y axis fits the points that remain. */
    LineChart xFrom(double from) {
        xFrom = from;
        return this;
    }

    LineChart y(String axisTitle, Quantity q) {
        yTitle = axisTitle;
        yq = q;
        return this;
    }

    LineChart add(Series s) {
        series.add(s);
        return this;
    }

    /** The figure: caption, legend, chart. */
    String html() {
        StringBuilder b = new StringBuilder();
        b.append("<figure class=\"chart").append(width > WIDTH ? " wide" : "").append("\" id=\"").append(Html.esc(id)).append("\"><figcaption><h3>")
                .append(Html.esc(title)).append("</h3>");
        if (!subtitle.isEmpty()) {
            b.append("<p class=\"sub\">").append(Html.esc(subtitle)).append("</p>");
        }
        b.append("</figcaption>").append(legend()).append(svg()).append("</figure>");
        return b.toString();
    }

    private String legend() {
        StringBuilder b = new StringBuilder("<div class=\"legend\">");
        for (Series s : series) {
            b.append("<span class=\"key\" data-series=\"").append(Html.esc(s.id())).append("\">")
                    .append(swatch(s)).append(Html.esc(s.label()));
            if (plottable(s) == 0 && s.note() != null) {
                b.append(" <em>(").append(Html.esc(s.note())).append(")</em>");
            }
            b.append("</span>");
        }
        return b.append("</div>").toString();
    }

    static String swatch(Series s) {
        Svg svg = new Svg(24, 12, "swatch", "");
        svg.raw("<line x1=\"1\" y1=\"6\" x2=\"23\" y2=\"6\" stroke=\"" + s.color() + "\" stroke-width=\"2\""
                + (s.dashed() ? " stroke-dasharray=\"4 3\"" : "") + "/>");
        if (s.marker() != null) {
            svg.raw("<path d=\"" + s.marker().path(12, 6, 3.5) + "\" fill=\"" + s.color() + "\"/>");
        }
        return svg.finish();
    }

    private int plottable(Series s) {
        int n = 0;
        for (int i = 0; i < s.size(); i++) {
            if (Double.isFinite(s.ys()[i]) && Double.isFinite(s.xs()[i]) && (!xLog || s.xs()[i] > 0)) {
                n++;
            }
        }
        return n;
    }

    private String svg() {
        double x0 = LEFT;
        double x1 = width - RIGHT;
        double y0 = HEIGHT - BOTTOM;
        double y1 = TOP;
        Svg svg = new Svg(width, HEIGHT, "plot", title);
        double[] xr = xRange();
        if (xr == null) {
            svg.rect(x0, y1, x1 - x0, y0 - y1, "frame", null);
            svg.text((x0 + x1) / 2, (y0 + y1) / 2, "middle", "empty", "no data to plot");
            return svg.finish();
        }
        Ticks xt = xLog ? Ticks.log(xr[0], xr[1], xq) : Ticks.linear(xr[0], xr[1], 6, xq, false);
        Scale xs = Scale.of(xt, x0, x1, xLog);
        double[] yr = yRange(xs);
        Ticks yt = Ticks.linear(yr[0], yr[1], 5, yq, true);
        Scale ys = Scale.of(yt, y0, y1, false);

        svg.group("class", "grid");
        for (Ticks.Tick t : xt.ticks()) {
            if (xs.contains(t.value())) {
                svg.line(xs.px(t.value()), y1, xs.px(t.value()), y0, "g");
            }
        }
        for (Ticks.Tick t : yt.ticks()) {
            svg.line(x0, ys.px(t.value()), x1, ys.px(t.value()), "g");
        }
        svg.end();
        svg.rect(x0, y1, x1 - x0, y0 - y1, "frame", null);
        svg.group("class", "ticks");
        for (Ticks.Tick t : xt.ticks()) {
            if (xs.contains(t.value())) {
                svg.text(xs.px(t.value()), y0 + 15, "middle", null, t.label());
            }
        }
        for (Ticks.Tick t : yt.ticks()) {
            svg.text(x0 - 6, ys.px(t.value()) + 4, "end", null, t.label());
        }
        svg.end();
        svg.text((x0 + x1) / 2, HEIGHT - 6, "middle", "axis-title", xTitle);
        svg.verticalText(13, (y0 + y1) / 2, "axis-title", yTitle);

        String clip = id + "-clip";
        svg.raw("<clipPath id=\"" + Html.esc(clip) + "\"><rect x=\"" + Svg.n(x0) + "\" y=\"" + Svg.n(y1)
                + "\" width=\"" + Svg.n(x1 - x0) + "\" height=\"" + Svg.n(y0 - y1) + "\"/></clipPath>");
        for (Rule r : rules) {
            if (xs.contains(r.x())) {
                double px = xs.px(r.x());
                svg.line(px, y1, px, y0, "rule");
                svg.text(px - 4, y1 + 12, "end", "rule-label", r.label());
            }
        }
        for (Series s : series) {
            plotSeries(svg, s, xs, ys, clip);
        }
        return svg.finish();
    }

    private void plotSeries(Svg svg, Series s, Scale xs, Scale ys, String clip) {
        StringBuilder pts = new StringBuilder();
        List<double[]> visible = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
            double x = s.xs()[i];
            double y = s.ys()[i];
            if (!xs.accepts(x) || !Double.isFinite(y)) {
                continue;
            }
            double px = xs.px(x);
            double py = ys.px(y);
            pts.append(Svg.n(px)).append(',').append(Svg.n(py)).append(' ');
            if (xs.contains(x) && ys.contains(y)) {
                visible.add(new double[] {px, py, x, y});
            }
        }
        if (pts.isEmpty()) {
            return;
        }
        svg.group("class", "series", "data-series", s.id(), "clip-path", "url(#" + clip + ")");
        svg.element("polyline", s.label(), "points", pts.toString().trim(), "fill", "none", "stroke", s.color(),
                "class", s.dashed() ? "line dashed" : "line");
        if (s.marker() != null && !visible.isEmpty()) {
            int stride = Math.max(1, (int) Math.ceil(visible.size() / (double) MAX_MARKERS));
            for (int i = 0; i < visible.size(); i++) {
                if (i % stride != 0 && i != visible.size() - 1) {
                    continue;
                }
                double[] p = visible.get(i);
                String tip = s.label() + ": " + yTitle + " " + yq.format(p[3]) + " at " + xq.format(p[2])
                        + (xq == Quantity.TOKENS ? " tokens" : "");
                svg.element("path", tip, "d", s.marker().path(p[0], p[1], 3.2), "fill", s.color(), "class", "mk");
            }
        }
        svg.end();
    }

    /** The x interval to show, or null if no series has a plottable point. */
    private double[] xRange() {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.size(); i++) {
                double x = s.xs()[i];
                if (Double.isFinite(x) && Double.isFinite(s.ys()[i]) && (!xLog || x > 0)
                        && (Double.isNaN(xFrom) || x >= xFrom)) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
        }
        if (lo > hi) {
            return null;
        }
        for (Rule r : rules) {
            if (Double.isFinite(r.x()) && (!xLog || r.x() > 0)) {
                hi = Math.max(hi, r.x());
            }
        }
        if (!Double.isNaN(xFrom)) {
            lo = xFrom;
        } else if (xFromZero) {
            lo = Math.min(0, lo);
        }
        if (hi <= lo) {
            hi = xLog ? lo * 10 : lo + Math.max(1, Math.abs(lo) * 0.1);
        }
        return new double[] {lo, hi};
    }

    private double[] yRange(Scale xs) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.size(); i++) {
                if (xs.contains(s.xs()[i]) && Double.isFinite(s.ys()[i])) {
                    lo = Math.min(lo, s.ys()[i]);
                    hi = Math.max(hi, s.ys()[i]);
                }
            }
        }
        if (lo > hi) {
            return new double[] {0, 1};
        }
        return new double[] {lo, hi};
    }
}
