package org.diloco4j.app.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One scalar setting: its dotted name, type, default, what it means and what values it allows.
 * {@code auto} (when {@link #autoAllowed}) means "derived from other settings" and is resolved
 * before the run starts; config.toml always holds the resolved value.
 *
 * @param legacy values an older version of the key took, with what they mean now (e.g. a switch
 *               that became a number), so that old config files keep working; matched
 *               case-insensitively against the value's text
 */
public record ConfigKey(String name, Type type, Object defaultValue, String doc, List<String> choices,
                        double min, double max, boolean autoAllowed, Map<String, Object> legacy) {
    public enum Type { INT, LONG, DOUBLE, BOOL, STRING }

    public static final String AUTO = "auto";

    public ConfigKey(String name, Type type, Object defaultValue, String doc, List<String> choices, double min, double max, boolean autoAllowed) {
        this(name, type, defaultValue, doc, choices, min, max, autoAllowed, Map.of());
    }

    public ConfigKey {
        legacy = Map.copyOf(legacy);
    }

    /**
     * Converts a parsed TOML value (or the text of a --set) to this key's type, or says why it cannot.
     * A choice (and "auto") is matched case-insensitively and becomes its canonical spelling, so
     * {@code --method DiLoCo} runs, is stored and is reported as {@code diloco}.
     */
    public Object coerce(Object raw) {
        if (autoAllowed && raw instanceof String s && s.strip().equalsIgnoreCase(AUTO)) return AUTO;
        if (raw != null && legacy.containsKey(raw.toString().trim().toLowerCase(Locale.ROOT))) {
            return legacy.get(raw.toString().trim().toLowerCase(Locale.ROOT));
        }
        Object v = switch (type) {
            case INT, LONG -> integer(raw);
            case DOUBLE -> number(raw);
            case BOOL -> bool(raw);
            case STRING -> string(raw);
        };
        check(v);
        return v instanceof String s && !choices.isEmpty() ? canonical(s) : v;
    }

    /** Allowed values as a user reads them: the choices, and "auto" where it is allowed. */
    public List<String> allowed() {
        if (choices.isEmpty()) return List.of();
        return autoAllowed ? Stream.concat(choices.stream(), Stream.of(AUTO)).toList() : choices;
    }

    private String canonical(String s) {
        for (String c : choices) if (c.equalsIgnoreCase(s.strip())) return c;
        throw new IllegalStateException("no choice matches '" + s + "' after check() accepted it");
    }

    private Object integer(Object raw) {
        long v;
        if (raw instanceof Number n && (raw instanceof Integer || raw instanceof Long || raw instanceof Short
                || (n.doubleValue() == Math.rint(n.doubleValue()) && !Double.isInfinite(n.doubleValue())))) {
            v = n.longValue();
        } else if (raw instanceof String s && s.trim().replace("_", "").matches("[-+]?\\d+")) {
            v = Long.parseLong(s.trim().replace("_", ""));
        } else {
            throw ConfigException.bad(name, raw, "expected an integer" + autoHint());
        }
        if (type == Type.INT && (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE)) throw ConfigException.bad(name, raw, "too large");
        return type == Type.INT ? (Object) (int) v : (Object) v;
    }

    private Object number(Object raw) {
        double v;
        if (raw instanceof Number n) v = n.doubleValue();
        else if (raw instanceof String s) {
            try {
                v = Double.parseDouble(s.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw ConfigException.bad(name, raw, "expected a number" + autoHint());
            }
        } else throw ConfigException.bad(name, raw, "expected a number" + autoHint());
        if (!Double.isFinite(v)) throw ConfigException.bad(name, raw, "expected a finite number");
        return v;
    }

    private Object bool(Object raw) {
        if (raw instanceof Boolean b) return b;
        if (raw instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals("true")) return true;
            if (t.equals("false")) return false;
        }
        throw ConfigException.bad(name, raw, "expected true or false" + autoHint());
    }

    private Object string(Object raw) {
        if (!(raw instanceof String) && !(raw instanceof Number) && !(raw instanceof Boolean)) {
            throw ConfigException.bad(name, raw, "expected a string");
        }
        return raw.toString();
    }

    private void check(Object v) {
        if (v instanceof Number n && type != Type.STRING) {
            double d = n.doubleValue();
            if (d < min || d > max) throw ConfigException.bad(name, v, "must be " + range());
        }
        if (v instanceof String s && !choices.isEmpty() && choices.stream().noneMatch(c -> c.equalsIgnoreCase(s.strip()))) {
            throw ConfigException.bad(name, v, "allowed: " + String.join(", ", allowed()));
        }
    }

    private String range() {
        boolean hasMin = min != Double.NEGATIVE_INFINITY;
        boolean hasMax = max != Double.POSITIVE_INFINITY;
        if (hasMin && hasMax) return "between " + fmt(min) + " and " + fmt(max);
        if (hasMin) return ">= " + fmt(min);
        return "<= " + fmt(max);
    }

    private String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    private String autoHint() {
        return autoAllowed ? " or \"auto\"" : "";
    }

    /** The section (text before the last dot), or "" for top-level keys. */
    public String section() {
        int i = name.lastIndexOf('.');
        return i < 0 ? "" : name.substring(0, i);
    }

    public String leaf() {
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
