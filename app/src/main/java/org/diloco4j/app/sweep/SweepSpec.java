package org.diloco4j.app.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.diloco4j.app.config.ConfigException;
import org.diloco4j.app.config.ConfigLoader;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.config.Schema;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An experiment: arms (a method and settings) compared over several seeds at one token budget,
 * each arm's hyper-parameters first tuned over a grid at a stated budget on the held-out set that
 * is not reported ({@code data.eval_set = tune}). The file is a run configuration (the base every
 * arm starts from) with a {@code [sweep]} table:
 * <pre>
 * [train]
 * token_budget = 1_966_080            # reported budget (rounded to whole synchronous rounds)
 *
 * [sweep]
 * seeds = [1, 2, 3]                    # reported runs: one per seed and arm
 * tune_seeds = [101]                   # tuning runs: one per seed, grid value and arm
 * tune_token_budget = 983_040
 * tune = { "outer.lr" = [0.35, 0.5, 0.7] }   # the grid every arm is tuned over
 *
 * [[sweep.arm]]
 * name = "diloco"
 * method = "diloco"
 *
 * [[sweep.arm]]
 * name = "dn"                          # DN without DyLU
 * method = "async-dn-dylu"
 * set = { "outer.dylu" = false }
 *
 * [[sweep.arm]]
 * name = "ddp"
 * method = "ddp"
 * tune = { "train.lr" = [1e-3, 2e-3, 4e-3] }  # its own grid (DDP has no outer lr), same size
 *
 * [[sweep.arm]]
 * name = "single"                      # one worker alone, the fastest device, for as long
 * same_time_as = "dn-dylu"             # (simulated) as that arm took with the same seed
 * tune = { "train.lr" = [1e-3, 2e-3, 4e-3] }
 * </pre>
 *
 * @param base        the run configuration every arm starts from (not resolved)
 * @param seeds       seeds of the reported runs
 * @param tuneSeeds   seeds of the tuning runs (distinct from the reported ones)
 * @param tuneBudget  token budget of each tuning run
 * @param grid        the default tuning grid: key → values, tried as a Cartesian product
 * @param arms        the arms, in the order they are run (an arm is run after any arm it refers to)
 */
public record SweepSpec(RunConfig base, List<Long> seeds, List<Long> tuneSeeds, long tuneBudget,
                        Map<String, List<Object>> grid, List<Arm> arms) {

    /**
     * One arm of the experiment.
     *
     * @param name       unique, used for its folder
     * @param method     the method it runs (for a same-time baseline: ddp with one worker)
     * @param set        settings on top of the base
     * @param grid       its tuning grid (the spec's unless the arm gives its own)
     * @param sameTimeAs null, or the arm whose simulated time (per seed) this one-worker baseline gets
     */
    public record Arm(String name, String method, Map<String, Object> set, Map<String, List<Object>> grid, String sameTimeAs) {
    }

    /** Reads a sweep file; {@code sets} override the base configuration of every arm. */
    public static SweepSpec load(Path file, List<String> sets) {
        JsonNode root = ConfigLoader.readTree(file);
        JsonNode sweep = root.get("sweep");
        if (sweep == null || !sweep.isObject()) {
            throw new ConfigException(file + " has no [sweep] table: it is a run configuration, not an experiment (see 'diloco sweep --help')");
        }
        ObjectNode rest = ((ObjectNode) root).deepCopy();
        rest.remove("sweep");
        RunConfig base = ConfigLoader.fromTree(rest, sets);
        List<Long> seeds = longs(sweep, "seeds", List.of(1L, 2L, 3L));
        List<Long> tuneSeeds = longs(sweep, "tune_seeds", List.of(101L));
        for (long s : tuneSeeds) {
            if (seeds.contains(s)) throw new ConfigException("sweep.tune_seeds and sweep.seeds share seed " + s + ": tuning must not see the reported runs");
        }
        Map<String, List<Object>> grid = grid(sweep.get("tune"), "sweep.tune");
        long tuneBudget = sweep.has("tune_token_budget") ? sweep.get("tune_token_budget").asLong() : base.lng("train.token_budget");
        if (tuneBudget <= 0) throw new ConfigException("sweep.tune_token_budget = " + tuneBudget + ": must be > 0");
        JsonNode armNodes = sweep.get("arm");
        if (armNodes == null || !armNodes.isArray() || armNodes.isEmpty()) {
            throw new ConfigException("sweep has no arms: add [[sweep.arm]] tables with a name and a method");
        }
        List<Arm> arms = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (JsonNode a : armNodes) {
            Arm arm = arm(a, grid);
            if (!names.add(arm.name())) throw new ConfigException("two sweep arms are named '" + arm.name() + "'");
            if (arm.sameTimeAs() != null && !names.contains(arm.sameTimeAs())) {
                throw new ConfigException("sweep arm '" + arm.name() + "' has same_time_as = '" + arm.sameTimeAs()
                        + "', which is not an arm listed before it");
            }
            arms.add(arm);
        }
        return new SweepSpec(base, List.copyOf(seeds), List.copyOf(tuneSeeds), tuneBudget, grid, List.copyOf(arms));
    }

    private static Arm arm(JsonNode a, Map<String, List<Object>> defaultGrid) {
        String name = text(a, "name");
        if (!name.matches("[A-Za-z0-9._-]+")) throw new ConfigException("sweep arm name '" + name + "': use letters, digits, '.', '_' or '-'");
        String sameTime = a.has("same_time_as") ? a.get("same_time_as").asText() : null;
        String method = sameTime != null ? "ddp" : Schema.key("method").coerce(text(a, "method")).toString();
        Map<String, Object> set = new LinkedHashMap<>();
        JsonNode s = a.get("set");
        if (s != null) {
            if (!s.isObject()) throw new ConfigException("sweep arm '" + name + "': set must be a table of config keys");
            s.fields().forEachRemaining(e -> set.put(e.getKey(), Schema.key(e.getKey()).coerce(ConfigLoader.scalar(e.getKey(), e.getValue()))));
        }
        Map<String, List<Object>> grid = a.has("tune") ? grid(a.get("tune"), "sweep arm '" + name + "' tune") : defaultGrid;
        return new Arm(name, method, set, grid, sameTime);
    }

    private static Map<String, List<Object>> grid(JsonNode t, String what) {
        Map<String, List<Object>> g = new LinkedHashMap<>();
        if (t == null) return g;
        if (!t.isObject()) throw new ConfigException(what + " must be a table of key = [values]");
        t.fields().forEachRemaining(e -> {
            if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                throw new ConfigException(what + ": " + e.getKey() + " must be a non-empty array of values");
            }
            List<Object> values = new ArrayList<>();
            for (JsonNode v : e.getValue()) values.add(Schema.key(e.getKey()).coerce(ConfigLoader.scalar(e.getKey(), v)));
            g.put(e.getKey(), List.copyOf(values));
        });
        return g;
    }

    private static List<Long> longs(JsonNode t, String key, List<Long> dflt) {
        JsonNode v = t.get(key);
        if (v == null) return dflt;
        if (!v.isArray() || v.isEmpty()) throw new ConfigException("sweep." + key + " must be a non-empty array of integers");
        List<Long> out = new ArrayList<>();
        for (JsonNode n : v) {
            if (!n.isIntegralNumber()) throw new ConfigException("sweep." + key + " must hold integers, got " + n);
            if (out.contains(n.longValue())) throw new ConfigException("sweep." + key + " lists " + n + " twice");
            out.add(n.longValue());
        }
        return out;
    }

    private static String text(JsonNode a, String key) {
        JsonNode v = a.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new ConfigException("every [[sweep.arm]] needs a " + key);
        return v.asText();
    }

    /** Every combination of a grid's values, in order (one empty setting for an empty grid). */
    static List<Map<String, Object>> combinations(Map<String, List<Object>> grid) {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<Object>> e : grid.entrySet()) {
            List<Map<String, Object>> next = new ArrayList<>();
            for (Map<String, Object> partial : out) {
                for (Object v : e.getValue()) {
                    Map<String, Object> m = new LinkedHashMap<>(partial);
                    m.put(e.getKey(), v);
                    next.add(m);
                }
            }
            out = next;
        }
        return out;
    }
}
