package org.diloco4j.app.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a TOML config and {@code --set key=value} overrides into a {@link RunConfig}. Unknown keys,
 * wrong types and out-of-range values are errors that name the key, the value and what is allowed.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * @param file TOML file, or null for the defaults
     * @param sets overrides such as {@code outer.inner_steps=100}, applied after the file
     */
    public static RunConfig load(Path file, List<String> sets) {
        return fromTree(file == null ? null : readTree(file), sets);
    }

    /** A whole config sent as text (the coordinator's to its workers). */
    public static RunConfig parseString(String toml) {
        return fromTree(readToml(toml, "config text"), List.of());
    }

    /**
     * The fully resolved configuration a run directory saved. A key added to diloco4j after the run
     * was written is absent from it; it takes the value that keeps the run doing what it did
     * ({@link Schema#savedBefore()}), so that an older run resumes, samples and evaluates as it was.
     */
    public static RunConfig loadSaved(Path file) {
        RunConfig c = load(file, List.of());
        for (Map.Entry<String, Object> e : Schema.savedBefore().entrySet()) {
            if (c.isAuto(e.getKey())) c = c.with(e.getKey(), e.getValue());
        }
        return c;
    }

    /** A configuration from a parsed TOML tree (e.g. a sweep file without its [sweep] table) and overrides. */
    public static RunConfig fromTree(JsonNode root, List<String> sets) {
        Map<String, Object> values = new LinkedHashMap<>();
        List<WorkerEntry> workers = new ArrayList<>();
        List<FaultEntry> faults = new ArrayList<>();
        if (root != null) walk(root, "", values, workers, faults);
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) throw new ConfigException("--set " + s + ": expected key=value, e.g. --set outer.inner_steps=100");
            String key = s.substring(0, eq).trim();
            String text = s.substring(eq + 1).trim();
            if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) text = text.substring(1, text.length() - 1);
            values.put(key, Schema.key(key).coerce(text));
        }
        return new RunConfig(values, workers, faults);
    }

    /** Parses a TOML file, or says in one line what is wrong with it and where. */
    public static JsonNode readTree(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (MalformedInputException e) {
            throw new ConfigException("config file " + file + " is not UTF-8 text (TOML files are UTF-8)");
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
        return readToml(text, "config file " + file);
    }

    /** Parses TOML, or says where it is broken as {@code what:line:column} (the way compilers do, so editors can jump there). */
    private static JsonNode readToml(String text, String what) {
        try {
            return new TomlMapper().readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String reason = e.getOriginalMessage().split("\n")[0];
            if (at == null || at.getLineNr() < 1) throw new ConfigException(what + ": not valid TOML: " + reason);
            String[] lines = text.split("\\R", -1);
            String line = at.getLineNr() <= lines.length ? lines[at.getLineNr() - 1].strip() : "";
            throw new ConfigException(what + ":" + at.getLineNr() + ":" + at.getColumnNr() + ": not valid TOML: " + reason
                    + (line.isEmpty() ? "" : " (in \"" + line + "\")"));
        } catch (IOException e) {
            throw new ConfigException(what + " is not valid TOML: " + e.getMessage().split("\n")[0]);
        }
    }

    private static void walk(JsonNode node, String prefix, Map<String, Object> values, List<WorkerEntry> workers,
                             List<FaultEntry> faults) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("sim.workers")) {
                requireArray(key, v);
                for (int i = 0; i < v.size(); i++) workers.add(TableReader.worker(v.get(i), i));
            } else if (key.equals("sim.faults")) {
                requireArray(key, v);
                for (int i = 0; i < v.size(); i++) faults.add(TableReader.fault(v.get(i), i));
            } else if (v.isObject()) {
                if (!isSection(key)) throw new ConfigException("unknown config section [" + key + "]" + Schema.sectionSuggestion(key));
                walk(v, key, values, workers, faults);
            } else if (v.isArray() && v.size() > 0 && v.get(0).isObject()) {
                throw new ConfigException("unknown array of tables [[" + key + "]]" + Schema.sectionSuggestion(key));
            } else {
                ConfigKey k = Schema.key(key);
                values.put(key, k.coerce(scalar(key, v)));
            }
        }
    }

    private static void requireArray(String key, JsonNode v) {
        if (!v.isArray()) throw new ConfigException(key + " must be an array of tables ([[" + key + "]])");
    }

    private static boolean isSection(String name) {
        for (ConfigKey k : Schema.keys()) if (k.section().equals(name) || k.section().startsWith(name + ".")) return true;
        return false;
    }

    /** A TOML value as the Java value a {@link ConfigKey} coerces (or a clear error for tables and arrays). */
    public static Object scalar(String key, JsonNode v) {
        if (v.isBoolean()) return v.booleanValue();
        if (v.isIntegralNumber()) return v.longValue();
        if (v.isNumber()) return v.doubleValue();
        if (v.isTextual()) return v.textValue();
        throw new ConfigException("config key " + key + " has a " + v.getNodeType().toString().toLowerCase() + " value; expected a single value");
    }
}
