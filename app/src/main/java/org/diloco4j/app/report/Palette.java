package org.diloco4j.app.report;

/**
 * Colours and marker shapes of series. Okabe–Ito colours (distinguishable with the common colour
 * vision deficiencies), ordered so the first ones contrast most on white; yellow is left out, it
 * vanishes on white. Marker shapes differ as well, so a series is identifiable without colour.
 */
final class Palette {
    private static final String[] COLORS = {
            "#0072B2", // blue
            "#D55E00", // vermillion
            "#009E73", // bluish green
            "#CC79A7", // reddish purple
            "#E69F00", // orange
            "#56B4E9", // sky blue
            "#000000", // black
    };

    /** Colours of the timeline's segment kinds; also used in the CSS. */
    static final String COMPUTE = "#0072B2";
    static final String COMMUNICATE = "#E69F00";
    static final String IDLE = "#D4D8DD";

    private Palette() {
    }

    static String color(int i) {
        return COLORS[Math.floorMod(i, COLORS.length)];
    }

    static Marker marker(int i) {
        Marker[] m = Marker.values();
        return m[Math.floorMod(i, m.length)];
    }

    /** A point marker; {@link #path} draws it centred on (x, y). */
    enum Marker {
        CIRCLE, SQUARE, TRIANGLE, DIAMOND, TRIANGLE_DOWN;

        /** An SVG path of the marker, about 2r across. */
        String path(double x, double y, double r) {
            return switch (this) {
                case CIRCLE -> "M" + Svg.n(x - r) + " " + Svg.n(y) + "a" + Svg.n(r) + " " + Svg.n(r) + " 0 1 0 "
                        + Svg.n(2 * r) + " 0a" + Svg.n(r) + " " + Svg.n(r) + " 0 1 0 " + Svg.n(-2 * r) + " 0Z";
                case SQUARE -> {
                    double s = r * 0.85;
                    yield "M" + Svg.n(x - s) + " " + Svg.n(y - s) + "h" + Svg.n(2 * s) + "v" + Svg.n(2 * s)
                            + "h" + Svg.n(-2 * s) + "Z";
                }
                case TRIANGLE -> "M" + Svg.n(x) + " " + Svg.n(y - r * 1.15) + "L" + Svg.n(x + r * 1.1) + " "
                        + Svg.n(y + r * 0.8) + "L" + Svg.n(x - r * 1.1) + " " + Svg.n(y + r * 0.8) + "Z";
                case DIAMOND -> "M" + Svg.n(x) + " " + Svg.n(y - r * 1.2) + "L" + Svg.n(x + r * 1.2) + " " + Svg.n(y)
                        + "L" + Svg.n(x) + " " + Svg.n(y + r * 1.2) + "L" + Svg.n(x - r * 1.2) + " " + Svg.n(y) + "Z";
                case TRIANGLE_DOWN -> "M" + Svg.n(x) + " " + Svg.n(y + r * 1.15) + "L" + Svg.n(x + r * 1.1) + " "
                        + Svg.n(y - r * 0.8) + "L" + Svg.n(x - r * 1.1) + " " + Svg.n(y - r * 0.8) + "Z";
            };
        }
    }
}
