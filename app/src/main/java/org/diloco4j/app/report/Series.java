package org.diloco4j.app.report;

/**
 * One line of a {@link LineChart}.
 *
 * @param id      the key shared by every chart's series of the same run (legend toggles use it)
 * @param label   the legend text
 * @param color   CSS colour
 * @param marker  point marker, or null for a bare line
 * @param xs      x values
 * @param ys      y values, same length; non-finite points are skipped
 * @param dashed  a dashed line (references such as the global eval loss among worker train losses)
 * @param note    shown after the legend label when the series has nothing to plot, e.g. "no communication"
 */
record Series(String id, String label, String color, Palette.Marker marker, double[] xs, double[] ys,
              boolean dashed, String note) {

    Series {
        if (xs.length != ys.length) {
            throw new IllegalArgumentException("series '" + label + "': " + xs.length + " x values but "
                    + ys.length + " y values");
        }
    }

    int size() {
        return xs.length;
    }
}
