package org.diloco4j.app.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.diloco4j.app.run.EventType;
import org.diloco4j.app.run.RunJson;
import org.diloco4j.app.run.RunStart;
import org.diloco4j.app.run.Sample;
import org.diloco4j.app.run.Summary;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.run.Segment;

/**
 * Reads the files of a run directory through the records the jobs wrote them from ({@link Summary},
 * the event records of {@link EventType}), with {@link RunJson}; adds the file and line to what was
 * wrong.
 */
final class RunReader {
    static final String SUMMARY = "summary.json";
    static final String METRICS = "metrics.jsonl";
    static final String CONFIG = "config.toml";
    /** A longer config is cut in the report; the file itself is the reference. */
    static final int CONFIG_MAX_CHARS = 64 * 1024;

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
        try {
            return RunJson.read(Files.readString(file, StandardCharsets.UTF_8), Summary.class);
        } catch (RunJson.BadJson e) {
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
                node = RunJson.read(line, JsonNode.class);
            } catch (RunJson.BadJson e) {
                if (!terminated) {
                    break;
                }
                throw new RunFormatException(file, lineNo, e.getMessage());
            }
            try {
                events.add(node);
            } catch (RunJson.BadJson e) {
                throw new RunFormatException(file, lineNo, e.getMessage());
            }
        }
        return events.build();
    }

    /** Collects events by type; required fields are marked on the records. */
    private static final class Events {
        private RunStart runStart;
        private final List<Metric.OuterStep> outerSteps = new ArrayList<>();
        private final List<Metric.Decision> decisions = new ArrayList<>();
        private final List<Metric.Eval> evals = new ArrayList<>();
        private final List<Metric.TrainLoss> trainLosses = new ArrayList<>();
        private final List<Segment> segments = new ArrayList<>();
        private final List<Sample> samples = new ArrayList<>();

        void add(JsonNode node) throws RunJson.BadJson {
            if (!node.isObject()) {
                throw new RunJson.BadJson("expected a JSON object, got " + node.getNodeType().toString().toLowerCase());
            }
            JsonNode typeNode = node.get("type");
            if (typeNode == null || !typeNode.isTextual()) {
                throw new RunJson.BadJson("every event needs a string field 'type'" + (typeNode == null ? "" : ", got " + typeNode));
            }
            Optional<EventType> type = EventType.of(typeNode.asText());
            if (type.isEmpty()) {
                return; // a newer writer's addition: skipped, as the contract promises
            }
            Record event;
            try {
                event = RunJson.read(node, type.get().record);
            } catch (RunJson.BadJson e) {
                throw new RunJson.BadJson(article(type.get().label()) + " '" + type.get().label() + "' event: " + e.getMessage());
            }
            switch (event) {
                case RunStart r -> runStart = r;
                case Metric.OuterStep o -> outerSteps.add(o);
                case Metric.Decision d -> {
                    if (d.kind() != null) decisions.add(d); // an unknown kind (null) is a newer writer's: not listed
                }
                case Metric.Eval e -> evals.add(e);
                case Metric.TrainLoss t -> trainLosses.add(t);
                case Sample s -> samples.add(s);
                case Segment s -> segment(s);
                default -> throw new IllegalStateException("no list for " + event);
            }
        }

        private void segment(Segment s) throws RunJson.BadJson {
            if (s.end() < s.start()) {
                throw new RunJson.BadJson("segment of worker '" + s.worker() + "' ends (" + s.end() + ") before it starts (" + s.start() + ")");
            }
            if (s.kind() != null) {
                segments.add(s); // an unknown kind (null) is a newer writer's: not drawn
            }
        }

        private static String article(String word) {
            return "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
        }

        Metrics build() {
            return new Metrics(Optional.ofNullable(runStart), outerSteps, decisions, evals, trainLosses, segments, samples);
        }
    }
}
