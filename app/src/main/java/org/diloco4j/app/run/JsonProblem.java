package org.diloco4j.app.run;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;

import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what Jackson says about a run file into one line a person can act on: which field, what it
 * should be, what it was. Jackson's own messages name Java types and creator indexes.
 */
final class JsonProblem {
    private static final Pattern MISSING = Pattern.compile("Missing required creator property '([^']+)'");
    private static final int SHOWN = 60;

    private JsonProblem() {
    }

    static String describe(JacksonException e) {
        if (e instanceof StreamReadException || !(e instanceof JsonMappingException m)) {
            String kind = e instanceof StreamReadException ? "not valid JSON" : "unreadable JSON";
            return kind + " (" + firstLine(((JsonProcessingException) e).getOriginalMessage()) + ")";
        }
        String path = path(m);
        String msg = m.getOriginalMessage();
        Matcher missing = MISSING.matcher(msg);
        if (missing.find()) {
            return "required field '" + (path.isEmpty() ? missing.group(1) : path) + "' is missing";
        }
        if (msg.startsWith("Cannot deserialize Map key") && m instanceof InvalidFormatException f) {
            return "field '" + parent(path) + "' has key '" + f.getValue() + "', which is not a whole number";
        }
        Class<?> target = m instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi ? mi.getTargetType() : null;
        String got = m.getProcessor() instanceof JsonParser p ? shown(p) : "";
        if (path.isEmpty()) return "expected a JSON object" + (got.isEmpty() ? "" : ", got " + got);
        return "field '" + path + "' must be " + expected(target) + (got.isEmpty() ? "" : ", got " + got);
    }

    /** Where in the object, as a reader writes it: {@code worker_stats[1].steps}. */
    private static String path(JsonMappingException m) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            else if (r.getIndex() >= 0) b.append('[').append(r.getIndex()).append(']');
        }
        return b.toString();
    }

    private static String parent(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 ? path : path.substring(0, dot);
    }

    private static String expected(Class<?> t) {
        if (t == null) return "of another type";
        if (t == long.class || t == Long.class || t == int.class || t == Integer.class) return "a whole number";
        if (t == double.class || t == Double.class) return "a number";
        if (t == String.class) return "a string";
        if (Collection.class.isAssignableFrom(t) || t.isArray()) return "an array";
        if (t.isEnum()) return "one of " + java.util.Arrays.toString(t.getEnumConstants()).toLowerCase(java.util.Locale.ROOT);
        if (Map.class.isAssignableFrom(t) || t.isRecord()) return "an object";
        return "a " + t.getSimpleName();
    }

    /** The offending value as it stood in the file, cut to a readable length. */
    private static String shown(JsonParser p) {
        String s;
        try {
            if (p.currentToken() == null) return "";
            s = switch (p.currentToken()) {
                case VALUE_STRING -> '"' + p.getText() + '"';
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                default -> p.getText();
            };
        } catch (java.io.IOException ex) {
            return "";
        }
        return s.length() > SHOWN ? s.substring(0, SHOWN - 3) + "..." : s;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
