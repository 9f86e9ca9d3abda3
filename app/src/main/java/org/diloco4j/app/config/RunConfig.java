package org.diloco4j.app.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A run's configuration: every scalar key of the {@link Schema} with its value, plus the simulated
 * workers and faults. Immutable; {@link #with} makes variants (e.g. one per method in a comparison).
 */
public final class RunConfig {
    /** The keys given explicitly (a file, a --set, {@link #with}): they win over the preset and the defaults. */
    private final Map<String, Object> given;
    /** Every key: given, else from the {@link ModelPreset}, else the schema's default. */
    private final Map<String, Object> values;
    private final ModelPreset preset;
    private final List<WorkerEntry> workers;
    private final List<FaultEntry> faults;

    RunConfig(Map<String, Object> given, List<WorkerEntry> workers, List<FaultEntry> faults) {
        this.given = new LinkedHashMap<>(given);
        this.values = new LinkedHashMap<>(given);
        this.workers = List.copyOf(workers);
        this.faults = List.copyOf(faults);
        this.preset = ModelPreset.parse(given.getOrDefault(ModelPreset.KEY, Schema.key(ModelPreset.KEY).defaultValue()).toString());
        for (ConfigKey k : Schema.keys()) {
            if (!this.values.containsKey(k.name())) this.values.put(k.name(), preset.settings().getOrDefault(k.name(), k.defaultValue()));
        }
    }

    /** All defaults, no workers listed (they are generated). */
    public static RunConfig defaults() {
        return new RunConfig(Map.of(), List.of(), List.of());
    }

    public Object get(String key) {
        Schema.key(key);
        return values.get(key);
    }

    /** Whether the key still waits for the {@link Resolver} to derive it (data.encoding's "auto" is a value of its own). */
    public boolean isAuto(String key) {
        return Schema.key(key).autoAllowed() && ConfigKey.AUTO.equals(get(key));
    }

    public String str(String key) {
        return get(key).toString();
    }

    public int integer(String key) {
        return ((Number) resolved(key)).intValue();
    }

    public long lng(String key) {
        return ((Number) resolved(key)).longValue();
    }

    public double dbl(String key) {
        return ((Number) resolved(key)).doubleValue();
    }

    public boolean bool(String key) {
        Object v = resolved(key);
        return v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString());
    }

    private Object resolved(String key) {
        Object v = get(key);
        if (isAuto(key)) throw new IllegalStateException("config key " + key + " is still 'auto': resolve the config first");
        return v;
    }

    /**
     * A copy with {@code key} set to {@code value} (validated like any other value). Setting
     * {@code model.preset} re-derives the model keys not given explicitly.
     */
    public RunConfig with(String key, Object value) {
        Map<String, Object> v = new LinkedHashMap<>(given);
        v.put(key, Schema.key(key).coerce(value));
        return new RunConfig(v, workers, faults);
    }

    public RunConfig withWorkers(List<WorkerEntry> w) {
        return new RunConfig(given, w, faults);
    }

    public RunConfig withFaults(List<FaultEntry> f) {
        return new RunConfig(given, workers, f);
    }

    /** Whether the key's value is the preset's (nobody set it), for 'diloco config' to say so. */
    public boolean fromPreset(String key) {
        return !given.containsKey(key) && preset.settings().containsKey(key);
    }

    public ModelPreset preset() {
        return preset;
    }

    public List<WorkerEntry> workers() {
        return workers;
    }

    public List<FaultEntry> faults() {
        return faults;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RunConfig r && r.values.equals(values) && r.workers.equals(workers) && r.faults.equals(faults);
    }

    @Override
    public int hashCode() {
        return values.hashCode() * 31 + workers.hashCode();
    }
}
