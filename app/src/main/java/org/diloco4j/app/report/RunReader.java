package org.diloco4j.app.report;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.diloco4j.app.report.Metrics.Decision;
import org.diloco4j.app.report.Metrics.EvalPoint;
import org.diloco4j.app.report.Metrics.OuterStep;
import org.diloco4j.app.report.Metrics.RunStart;
import org.diloco4j.app.report.Metrics.Sample;
import org.diloco4j.app.report.Metrics.Segment;
import org.diloco4j.app.report.Metrics.SegmentKind;
import org.diloco4j.app.report.Metrics.TrainLoss;
import org.diloco4j.app.report.Metrics.WorkerProfile;
import org.diloco4j.app.run.RunClock;

/** Parses the files of a run directory exactly as docs/run-directory.md describes them. */
final class RunReader {
    static final String SUMMARY = "summary.json";
    static final String METRICS = "metrics.jsonl";
    static final String CONFIG = "config.toml";
    /** A longer config is cut in the report; the file itself is the reference. */
    static final int CONFIG_MAX_CHARS = 64 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            // Writers spell a diverged loss NaN; accept it rather than lose the whole report.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RunReader() {
    }

    static RunData read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "not a run directory");
        }
        Path summaryFile = dir.resolve(SUMMARY);
        Path metricsFile = dir.resolve(METRICS);
        if (!Files.isRegularFile(metricsFile)) {
            throw new NoSuchFileException(metricsFile.toString(), null, Files.isRegularFile(summaryFile)
                    ? "the run's event log is missing" : "not a run directory, or a run that has not started yet");
        }
        Metrics metrics = readMetrics(metricsFile);
        String config = readConfig(dir.resolve(CONFIG));
        if (!Files.isRegularFile(summaryFile)) {
            return new RunData(dir, ProvisionalSummary.of(metrics), metrics, config, RunStatus.INCOMPLETE);
        }
        return new RunData(dir, readSummary(summaryFile), metrics, config, RunStatus.FINISHED);
    }

    private static String readConfig(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return "";
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.length() <= CONFIG_MAX_CHARS ? text
                : text.substring(0, CONFIG_MAX_CHARS) + "\n# ... cut here; the whole file is " + file + "\n";
    }

    static Summary readSummary(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonNode root = parse(file, 0, text);
        try {
            return summary(new JsonFields(root, SUMMARY));
        } catch (JsonFields.BadField e) {
            throw new RunFormatException(file, 0, e.getMessage());
        }
    }

    /**
     * The events of a metrics file. A last line without its newline is one a writer had not
     * finished (it is still running, or was killed mid-line): left out if it does not parse.
     */
    static Metrics readMetrics(Path file) throws IOException {
        // One read of the whole file: the report holds every event in memory anyway, and a single
        // snapshot tells exactly whether the last line was complete while a writer appends.
        byte[] bytes = Files.readAllBytes(file);
        Events events = new Events();
        int lineNo = 0;
        for (int start = 0; start < bytes.length; ) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            boolean terminated = end < bytes.length;
            lineNo++;
            String line = new String(bytes, start, end - start, StandardCharsets.UTF_8);
            start = end + 1;
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = parse(file, lineNo, line);
            } catch (RunFormatException e) {
                if (!terminated) {
                    break;
                }
                throw e;
            }
            try {
                events.add(node);
            } catch (JsonFields.BadField e) {
                throw new RunFormatException(file, lineNo, e.getMessage());
            }
        }
        return events.build();
    }

    private static JsonNode parse(Path file, int line, String text) throws RunFormatException {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String kind = e instanceof JsonParseException ? "not valid JSON" : "unreadable JSON";
            throw new RunFormatException(file, line, kind + " (" + firstLine(e.getOriginalMessage()) + ")");
        }
        if (node == null || !node.isObject()) {
            throw new RunFormatException(file, line, "expected a JSON object, got "
                    + (node == null || node.isMissingNode() ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        return node;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static Summary summary(JsonFields f) {
        TreeMap<Integer, Long> histogram = new TreeMap<>();
        for (Map.Entry<String, JsonNode> e : f.object("staleness_histogram").properties()) {
            int staleness;
            try {
                staleness = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                throw new JsonFields.BadField("staleness_histogram key '" + e.getKey() + "' is not a whole number");
            }
            if (!e.getValue().canConvertToLong() || !e.getValue().isIntegralNumber()) {
                throw new JsonFields.BadField("staleness_histogram[\"" + e.getKey() + "\"] must be a whole number, got "
                        + e.getValue());
            }
            histogram.put(staleness, e.getValue().asLong());
        }
        List<Summary.WorkerStats> stats = new ArrayList<>();
        List<JsonNode> workers = f.requiredArray("worker_stats");
        for (int i = 0; i < workers.size(); i++) {
            JsonFields w = new JsonFields(workers.get(i), "worker_stats[" + i + "] of " + SUMMARY);
            stats.add(new Summary.WorkerStats(w.text("name"), w.finite("compute_seconds"),
                    w.finite("communicate_seconds"), w.finite("idle_seconds"), w.real("utilization"),
                    w.whole("steps"), w.whole("tokens"), w.whole("bytes_up"), w.whole("bytes_down")));
        }
        return new Summary(f.text("method"), f.integer("workers"), f.whole("model_params"),
                f.whole("outer_steps"), f.whole("inner_steps"), f.whole("tokens"),
                f.real("initial_eval_loss"), f.real("final_eval_loss"), f.real("final_eval_ppl"),
                f.real("initial_eval_bpb", Double.NaN), f.real("final_eval_bpb", Double.NaN),
                f.whole("bytes_up"), f.whole("bytes_down"), f.whole("ddp_bytes_equivalent"),
                f.real("simulated_seconds"), f.real("wall_seconds"), f.real("compute_utilization"),
                f.text("stop_reason"), histogram, stats);
    }

    /** Collects events by type; required fields are the ones the report cannot do without. */
    private static final class Events {
        private RunStart runStart;
        private final List<OuterStep> outerSteps = new ArrayList<>();
        private final List<Decision> decisions = new ArrayList<>();
        private final List<EvalPoint> evals = new ArrayList<>();
        private final List<TrainLoss> trainLosses = new ArrayList<>();
        private final List<Segment> segments = new ArrayList<>();
        private final List<Sample> samples = new ArrayList<>();

        void add(JsonNode node) {
            JsonNode typeNode = node.get("type");
            if (typeNode == null || !typeNode.isTextual()) {
                throw new JsonFields.BadField("every event needs a string field 'type'"
                        + (typeNode == null ? "" : ", got " + typeNode));
            }
            String type = typeNode.asText();
            JsonFields f = new JsonFields(node, article(type) + " '" + type + "' event");
            switch (type) {
                case "run_start" -> runStart = runStart(f);
                case "outer_step" -> outerSteps.add(new OuterStep(f.finite("time"), f.whole("step"),
                        f.whole("version", -1), f.integer("fragment", 0), f.integers("contributors"),
                        f.integers("staleness"), f.reals("weights"), f.integer("members", 0),
                        f.whole("tokens"), f.whole("bytes_up"), f.whole("bytes_down"),
                        f.real("delta_norm", Double.NaN)));
                case "decision" -> decisions.add(new Decision(f.finite("time"), f.text("kind"),
                        f.integer("member", -1), f.text("reason", "")));
                case "eval" -> {
                    double loss = f.real("loss");
                    evals.add(new EvalPoint(f.finite("time"), f.whole("tokens"), f.whole("version", -1), loss,
                            f.real("ppl", Math.exp(loss)), f.real("bpb", Double.NaN), f.whole("bytes_up"), f.whole("bytes_down")));
                }
                case "train_loss" -> trainLosses.add(new TrainLoss(f.finite("time"), f.text("worker"),
                        f.whole("step", -1), f.real("loss"), f.real("lr", Double.NaN), f.real("grad_norm", Double.NaN),
                        f.real("tokens_per_second", Double.NaN)));
                case "sample" -> samples.add(new Sample(f.finite("time"), f.whole("version", -1), f.integer("index", samples.size()),
                        f.text("prompt", ""), f.text("text"), f.integer("tokens", -1), f.whole("seed", 0),
                        f.real("temperature", Double.NaN), f.integer("top_k", 0)));
                case "segment" -> segment(f);
                default -> {
                    // Unknown types are newer writers' additions: skipped, as the contract promises.
                }
            }
        }

        private void segment(JsonFields f) {
            String worker = f.text("worker");
            String kind = f.text("kind");
            double start = f.finite("start");
            double end = f.finite("end");
            if (end < start) {
                throw new JsonFields.BadField("segment of worker '" + worker + "' ends (" + end
                        + ") before it starts (" + start + ")");
            }
            Optional<SegmentKind> known = SegmentKind.fromWire(kind);
            known.ifPresent(k -> segments.add(new Segment(worker, k, start, end)));
        }

        private static RunStart runStart(JsonFields f) {
            List<WorkerProfile> workers = new ArrayList<>();
            List<JsonNode> nodes = f.array("workers");
            for (int i = 0; i < nodes.size(); i++) {
                JsonFields w = new JsonFields(nodes.get(i), "workers[" + i + "] of a 'run_start' event");
                workers.add(new WorkerProfile(w.text("name"), w.real("seconds_per_step", Double.NaN),
                        w.real("up_mbps", Double.NaN), w.real("down_mbps", Double.NaN),
                        w.real("latency_ms", Double.NaN), w.integer("shard", -1)));
            }
            return new RunStart(f.text("method"), clock(f.text("clock", "")), f.whole("model_params", -1), workers);
        }

        /** The clock a run_start names; unknown names are a newer writer's and read as not said. */
        private static Optional<RunClock> clock(String wire) {
            for (RunClock c : RunClock.values()) {
                if (c.wire().equals(wire)) {
                    return Optional.of(c);
                }
            }
            return Optional.empty();
        }

        private static String article(String word) {
            return !word.isEmpty() && "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
        }

        Metrics build() {
            return new Metrics(Optional.ofNullable(runStart), outerSteps, decisions, evals, trainLosses, segments, samples);
        }
    }
}
