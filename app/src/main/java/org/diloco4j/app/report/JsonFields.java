package org.diloco4j.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to the fields of one JSON object of a run directory file. A missing or mistyped
 * required field throws {@link BadField}, which the reader turns into a {@link RunFormatException}
 * that also names the file and line. Unknown fields are never looked at, so writers may add fields.
 */
final class JsonFields {
    private final JsonNode node;
    private final String where;

    /** @param where what the object is, for messages, e.g. "an 'eval' event" */
    JsonFields(JsonNode node, String where) {
        this.node = node;
        this.where = where;
    }

    /** A problem with one field; carries no location, the caller adds it. */
    static final class BadField extends RuntimeException {
        BadField(String message) {
            super(message, null, false, false);
        }
    }

    boolean has(String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    String text(String field) {
        JsonNode v = required(field);
        if (!v.isTextual()) {
            throw wrongType(field, "a string", v);
        }
        return v.asText();
    }

    String text(String field, String absent) {
        return has(field) ? text(field) : absent;
    }

    /** A number; null and the strings "NaN"/"Infinity" (how JSON writers spell non-finite values) are allowed. */
    double real(String field) {
        JsonNode v = node.get(field);
        if (v == null) {
            throw missing(field);
        }
        return realValue(field, v);
    }

    double real(String field, double absent) {
        return node.get(field) == null ? absent : real(field);
    }

    /** A finite number (seconds, times) that must be present. */
    double finite(String field) {
        JsonNode v = required(field);
        double d = realValue(field, v);
        if (!Double.isFinite(d)) {
            throw new BadField("field '" + field + "' of " + where + " must be a finite number, got " + v);
        }
        return d;
    }

    /** A whole number; floating writers (1.2e9) are accepted when the value is whole. */
    long whole(String field) {
        JsonNode v = required(field);
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 9.0e18) {
                return (long) d;
            }
        }
        throw wrongType(field, "a whole number", v);
    }

    long whole(String field, long absent) {
        return has(field) ? whole(field) : absent;
    }

    int integer(String field, int absent) {
        if (!has(field)) {
            return absent;
        }
        long l = whole(field);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new BadField("field '" + field + "' of " + where + " is out of range: " + l);
        }
        return (int) l;
    }

    int integer(String field) {
        required(field);
        return integer(field, 0);
    }

    List<Integer> integers(String field) {
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : array(field)) {
            if (!e.canConvertToInt()) {
                throw wrongType(field, "an array of whole numbers", e);
            }
            out.add(e.asInt());
        }
        return out;
    }

    List<Double> reals(String field) {
        List<Double> out = new ArrayList<>();
        for (JsonNode e : array(field)) {
            out.add(realValue(field, e));
        }
        return out;
    }

    /** The elements of an array field; an absent field is an empty array. */
    List<JsonNode> array(String field) {
        if (!has(field)) {
            return List.of();
        }
        JsonNode v = node.get(field);
        if (!v.isArray()) {
            throw wrongType(field, "an array", v);
        }
        List<JsonNode> out = new ArrayList<>(v.size());
        v.forEach(out::add);
        return out;
    }

    List<JsonNode> requiredArray(String field) {
        required(field);
        return array(field);
    }

    JsonNode object(String field) {
        JsonNode v = required(field);
        if (!v.isObject()) {
            throw wrongType(field, "an object", v);
        }
        return v;
    }

    private double realValue(String field, JsonNode v) {
        if (v.isNull()) {
            return Double.NaN;
        }
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            switch (v.asText()) {
                case "NaN": return Double.NaN;
                case "Infinity": return Double.POSITIVE_INFINITY;
                case "-Infinity": return Double.NEGATIVE_INFINITY;
                default: break;
            }
        }
        throw wrongType(field, "a number", v);
    }

    private JsonNode required(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw missing(field);
        }
        return v;
    }

    private BadField missing(String field) {
        return new BadField("required field '" + field + "' is missing in " + where);
    }

    private BadField wrongType(String field, String expected, JsonNode got) {
        String shown = got.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 57) + "...";
        }
        return new BadField("field '" + field + "' of " + where + " must be " + expected + ", got " + shown);
    }
}
