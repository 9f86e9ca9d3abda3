package org.diloco4j.app.config;

/** A configuration that cannot be used; the message names the key, the value and what is allowed. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException bad(String key, Object value, String allowed) {
        return new ConfigException("config key " + key + " = " + render(value) + " is invalid: " + allowed);
    }

    static String render(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
