package org.diloco4j.app.report;

/**
 * A small builder of inline SVG markup. Coordinates are written with one decimal (sub-pixel
 * precision is invisible and would only grow the page); every text goes through {@link Html#esc}.
 */
final class Svg {
    private final StringBuilder out = new StringBuilder(4096);

    /**
     * Opens the root element: a chart of {@code width}×{@code height} CSS pixels that scales down on
     * narrow pages. No xmlns: inline SVG in HTML does not need one, and the page holds no URL at all.
     */
    Svg(double width, double height, String cssClass, String ariaLabel) {
        out.append("<svg class=\"").append(Html.esc(cssClass))
                .append("\" viewBox=\"0 0 ").append(n(width)).append(' ').append(n(height))
                .append("\" width=\"").append(n(width)).append("\" height=\"").append(n(height))
                .append("\" role=\"img\" aria-label=\"").append(Html.esc(ariaLabel)).append("\">");
    }

    /** Compact coordinate: one decimal, no trailing ".0". */
    static String n(double v) {
        // Hot path (a timeline has thousands of shapes): integer arithmetic, no String.format.
        long tenths = Math.round(v * 10);
        if (tenths % 10 == 0) {
            return Long.toString(tenths / 10);
        }
        long a = Math.abs(tenths);
        return (tenths < 0 ? "-" : "") + a / 10 + "." + a % 10;
    }

    /** Appends raw markup (already escaped). */
    Svg raw(String markup) {
        out.append(markup);
        return this;
    }

    /** Opens a group; attrs are name/value pairs. */
    Svg group(String... attrs) {
        out.append("<g");
        attrs(attrs);
        out.append('>');
        return this;
    }

    Svg end() {
        out.append("</g>");
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String cssClass) {
        out.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" class=\"").append(cssClass).append("\"/>");
        return this;
    }

    /** A rectangle with an optional hover title (null for none). */
    Svg rect(double x, double y, double w, double h, String cssClass, String title) {
        out.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append('"');
        if (cssClass != null) {
            out.append(" class=\"").append(cssClass).append('"');
        }
        return closeWithTitle("rect", title);
    }

    /** Text at (x, y); anchor is start, middle or end. */
    Svg text(double x, double y, String anchor, String cssClass, String text) {
        out.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append('"');
        if (!"start".equals(anchor)) {
            out.append(" text-anchor=\"").append(anchor).append('"');
        }
        if (cssClass != null) {
            out.append(" class=\"").append(cssClass).append('"');
        }
        out.append('>').append(Html.esc(text)).append("</text>");
        return this;
    }

    /** Text rotated by -90° around (x, y): a vertical axis title. */
    Svg verticalText(double x, double y, String cssClass, String text) {
        out.append("<text transform=\"translate(").append(n(x)).append(' ').append(n(y))
                .append(") rotate(-90)\" text-anchor=\"middle\" class=\"").append(cssClass).append("\">")
                .append(Html.esc(text)).append("</text>");
        return this;
    }

    /** An element with the given attributes (name/value pairs) and an optional hover title. */
    Svg element(String tag, String title, String... attrs) {
        out.append('<').append(tag);
        attrs(attrs);
        return closeWithTitle(tag, title);
    }

    private Svg closeWithTitle(String tag, String title) {
        if (title == null) {
            out.append("/>");
        } else {
            out.append("><title>").append(Html.esc(title)).append("</title></").append(tag).append('>');
        }
        return this;
    }

    private void attrs(String... attrs) {
        if (attrs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name/value pairs, got " + attrs.length + " strings");
        }
        for (int i = 0; i < attrs.length; i += 2) {
            out.append(' ').append(attrs[i]).append("=\"").append(Html.esc(attrs[i + 1])).append('"');
        }
    }

    /** Closes the root element and returns the markup. */
    String finish() {
        return out.append("</svg>").toString();
    }
}
