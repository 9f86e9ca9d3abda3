package org.diloco4j.app.report;

import java.util.List;
import org.diloco4j.app.report.Segments.Block;
import org.diloco4j.app.report.Segments.Span;
import org.diloco4j.core.run.Segment;

/**
 * A per-worker Gantt chart: one row per worker, compute / communicate / idle in three colours on a
 * shared time axis, so slow workers and the waiting they cause are visible at a glance.
 * Communication that overlapped computation is drawn as a band at the bottom of the row.
 */
final class Timeline {
    static final double WIDTH = 1180;
    private static final double LABEL = 180;
    private static final double RIGHT = 56;
    private static final double AXIS = 30;
    /** Height steps of a row: the mix of a pixel column is shown to within 1/8. */
    static final int LEVELS = 8;

    /**
     * One worker.
     *
     * @param name        worker name
     * @param detail      muted text after the name, e.g. "0.58 s/step"
     * @param spans       the worker's merged segments
     * @param utilization shown at the row's end (NaN to leave out)
     */
    record Row(String name, String detail, List<Span> spans, double utilization) {
        Row {
            spans = List.copyOf(spans);
        }
    }

    private Timeline() {
    }

    /**
     * @param tEnd    the time at the right end of the axis (a shared value lines up several runs)
     * @param compact thinner rows, for the several small timelines of a comparison
     */
    static String svg(String label, List<Row> rows, double tEnd, boolean compact) {
        double rowH = compact ? 14 : 22;
        double gap = compact ? 5 : 8;
        double top = 6;
        double height = top + rows.size() * (rowH + gap) + AXIS;
        double x0 = LABEL;
        double x1 = WIDTH - RIGHT;
        Svg svg = new Svg(WIDTH, height, "timeline", label);
        if (rows.isEmpty() || !(tEnd > 0) || rows.stream().allMatch(r -> r.spans().isEmpty())) {
            svg.text(WIDTH / 2, height / 2, "middle", "empty", "no segments recorded");
            return svg.finish();
        }
        Ticks ticks = Ticks.linear(0, tEnd, 10, Quantity.SECONDS, false);
        Scale xs = new Scale(0, tEnd, x0, x1, false);
        double axisY = top + rows.size() * (rowH + gap);

        svg.group("class", "grid");
        for (Ticks.Tick t : ticks.ticks()) {
            svg.line(xs.px(t.value()), top - 2, xs.px(t.value()), axisY, "g");
        }
        svg.end();

        int columns = (int) Math.round(x1 - x0);
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            double y = top + r * (rowH + gap);
            // Hovering a block too thin to carry its own title shows the row's totals instead.
            svg.group("class", "row");
            svg.raw("<title>" + Html.esc(rowTitle(row)) + "</title>");
            svg.rect(x0, y, x1 - x0, rowH, "lane", null);
            Segments.Lanes lanes = Segments.lanes(row.spans());
            for (Block b : Segments.rasterize(lanes.main(), 0, tEnd, columns, LEVELS)) {
                drawBlock(svg, xs, b, y, rowH, row.name(), "");
            }
            double bandH = Math.max(3, Math.round(rowH * 0.35));
            for (Block b : Segments.rasterize(lanes.overlapped(), 0, tEnd, columns, LEVELS)) {
                drawBlock(svg, xs, b, y + rowH - bandH, bandH, row.name(), " while computing");
            }
            svg.end();
            double ty = y + rowH / 2 + 4;
            svg.raw("<text x=\"" + Svg.n(x0 - 8) + "\" y=\"" + Svg.n(ty) + "\" text-anchor=\"end\" class=\"row-label\">"
                    + Html.esc(row.name()) + (row.detail().isEmpty() ? "" : " <tspan class=\"muted\">"
                    + Html.esc(row.detail()) + "</tspan>") + "</text>");
            if (Double.isFinite(row.utilization())) {
                svg.text(x1 + 6, ty, "start", "row-util", Math.round(row.utilization() * 100) + "%");
            }
        }
        svg.line(x0, axisY, x1, axisY, "axis");
        svg.group("class", "ticks");
        for (Ticks.Tick t : ticks.ticks()) {
            svg.line(xs.px(t.value()), axisY, xs.px(t.value()), axisY + 4, "axis");
            svg.text(xs.px(t.value()), axisY + 16, "middle", null, t.label());
        }
        svg.end();
        svg.text(x1 + 6, axisY + 16, "start", "muted", "util.");
        return svg.finish();
    }

    /** Blocks narrower than this (pixels) carry no title of their own: hard to hover, costly in bytes. */
    private static final double TITLE_MIN_PX = 4;

    private static String rowTitle(Row row) {
        var totals = Segments.totals(row.spans());
        double all = totals.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder t = new StringBuilder(row.name()).append(": ");
        String sep = "";
        for (Segment.Kind k : Segment.Kind.values()) {
            t.append(sep).append(k.label()).append(' ').append(Fmt.seconds(totals.get(k)));
            if (all > 0) {
                t.append(" (").append(Fmt.percent(totals.get(k) / all)).append(')');
            }
            sep = ", ";
        }
        return t.toString();
    }

    /**
     * One block as a stack from the bottom: compute, communicate, idle; what is left at the top is
     * time the worker was not in the run. Boundaries are rounded to whole pixels so stacks line up.
     */
    private static void drawBlock(Svg svg, Scale xs, Block b, double y, double h, String worker, String note) {
        double px0 = xs.px(b.start());
        double w = xs.px(b.end()) - px0;
        StringBuilder title = new StringBuilder(worker).append(": ");
        Segment.Kind only = null;
        int kinds = 0;
        for (Segment.Kind k : Segment.Kind.values()) {
            if (b.level(k) > 0) {
                only = k;
                kinds++;
            }
        }
        if (kinds == 1 && b.level(only) == LEVELS) {
            title.append(only.label()).append(note);
        } else {
            String sep = "";
            for (Segment.Kind k : Segment.Kind.values()) {
                if (b.share(k) > 0) {
                    title.append(sep).append(k.label()).append(note).append(' ').append(Math.round(b.share(k) * 100)).append('%');
                    sep = ", ";
                }
            }
        }
        title.append(", ").append(Fmt.seconds(b.start())).append(" – ").append(Fmt.seconds(b.end()))
                .append(" (").append(Fmt.seconds(b.end() - b.start())).append(')');
        String tip = w >= TITLE_MIN_PX ? title.toString() : null;
        if (kinds == 1) {
            double top = y + h - Math.round(b.level(only) * h / LEVELS);
            svg.rect(px0, top, w, y + h - top, cssClass(only), tip);
            return;
        }
        svg.group();
        if (tip != null) {
            svg.raw("<title>" + Html.esc(tip) + "</title>");
        }
        int cum = 0;
        for (Segment.Kind k : Segment.Kind.values()) {
            if (b.level(k) == 0) {
                continue;
            }
            double bottom = y + h - Math.round(cum * h / LEVELS);
            cum += b.level(k);
            double top = y + h - Math.round(cum * h / LEVELS);
            svg.rect(px0, top, w, bottom - top, cssClass(k), null);
        }
        svg.end();
    }

    static String cssClass(Segment.Kind k) {
        return switch (k) {
            case COMPUTE -> "k-c";
            case COMMUNICATE -> "k-m";
            case IDLE -> "k-i";
        };
    }

    /** The colour key shown above a timeline. */
    static String legendHtml(boolean anyOverlap) {
        StringBuilder b = new StringBuilder("<div class=\"legend tl-legend\">");
        for (Segment.Kind k : Segment.Kind.values()) {
            b.append("<span class=\"key\"><i class=\"sw ").append(cssClass(k)).append("\"></i>").append(k.label()).append("</span>");
        }
        if (anyOverlap) {
            b.append("<span class=\"key\"><i class=\"sw band\"></i>communicate while computing</span>");
        }
        b.append("<span class=\"key muted\">blank: not in the run · right: compute utilization</span>");
        return b.append("</div>").toString();
    }
}
