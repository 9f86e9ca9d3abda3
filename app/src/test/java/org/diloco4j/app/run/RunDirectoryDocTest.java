package org.diloco4j.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/run-directory.md and the report's fixtures (written by make_fixtures.py) against the one
 * definition of each file format: the records of {@link Summary} and {@link EventType}. A field
 * documented but not in the type, or in the type but not documented, fails here.
 */
class RunDirectoryDocTest {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
    private static final Pattern KEY = Pattern.compile("\"([a-z_]+)\"\\s*:");
    private static final Path FIXTURES = ROOT.resolve("app/src/test/resources/report");

    /** The fields a record is written with. */
    static Set<String> fields(Class<?> type) {
        Set<String> out = new TreeSet<>();
        for (BeanPropertyDefinition p : RunJson.MAPPER.getSerializationConfig()
                .introspect(RunJson.MAPPER.constructType(type)).findProperties()) {
            if (p.couldSerialize()) out.add(p.getName());
        }
        return out;
    }

    static Set<String> keys(String text) {
        Set<String> out = new TreeSet<>();
        Matcher m = KEY.matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private static String section(String doc, String heading) {
        int start = doc.indexOf("\n## " + heading + "\n");
        assertThat(start).as("section '" + heading + "' of docs/run-directory.md").isPositive();
        int end = doc.indexOf("\n## ", start + 1);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    private static String codeBlock(String section) {
        int open = section.indexOf("```\n");
        return section.substring(open + 4, section.indexOf("```", open + 4));
    }

    /** {@code text} cut at {@code "field":} into what is before and what is after. */
    private static String[] cut(String text, String field) {
        int at = text.indexOf("\"" + field + "\":");
        assertThat(at).as(field + " in " + text).isNotNegative();
        return new String[] {text.substring(0, at + field.length() + 3), text.substring(at + field.length() + 3)};
    }

    @Test
    void summaryJsonIsDocumentedFieldForField() throws IOException {
        String block = codeBlock(section(Files.readString(ROOT.resolve("docs/run-directory.md")), "summary.json"));
        String[] parts = cut(block, "worker_stats");
        assertThat(keys(parts[0])).isEqualTo(fields(Summary.class));
        assertThat(keys(parts[1])).isEqualTo(fields(Summary.WorkerStats.class));
    }

    @Test
    void everyMetricsEventIsDocumentedFieldForField() throws IOException {
        String block = codeBlock(section(Files.readString(ROOT.resolve("docs/run-directory.md")), "metrics.jsonl"));
        Set<String> documented = new LinkedHashSet<>();
        for (String line : block.strip().split("\n")) {
            JsonNode type = RunJson.MAPPER.readTree(line.substring(0, line.indexOf(',')) + "}").get("type");
            EventType t = EventType.of(type.asText()).orElseThrow(() -> new AssertionError("undefined type " + type));
            documented.add(t.label());
            Set<String> want = withType(fields(t.record));
            if (t == EventType.RUN_START) {
                String[] parts = cut(line, "workers");
                assertThat(keys(parts[0])).as(t.label()).isEqualTo(want);
                assertThat(keys(parts[1])).as("workers of run_start").isEqualTo(fields(RunStart.WorkerProfile.class));
            } else {
                assertThat(keys(line)).as(t.label()).isEqualTo(want);
            }
        }
        assertThat(documented).as("event types documented").containsExactlyInAnyOrderElementsOf(
                List.of(EventType.values()).stream().map(EventType::label).toList());
    }

    /** The fixtures the report tests read are written by a script; it must write the same fields. */
    @Test
    void theReportFixturesWriteExactlyTheTypesFields() throws IOException {
        for (String run : List.of("diloco", "async-naive", "async-dn-dylu")) {
            JsonNode summary = RunJson.MAPPER.readTree(FIXTURES.resolve(run).resolve("summary.json").toFile());
            assertThat(names(summary)).as(run + " summary.json").isEqualTo(fields(Summary.class));
            assertThat(names(summary.get("worker_stats").get(0))).isEqualTo(fields(Summary.WorkerStats.class));
            Set<String> seen = new TreeSet<>();
            for (String line : Files.readAllLines(FIXTURES.resolve(run).resolve("metrics.jsonl"))) {
                JsonNode e = RunJson.MAPPER.readTree(line);
                EventType t = EventType.of(e.get("type").asText()).orElseThrow();
                if (seen.add(t.label())) {
                    assertThat(names(e)).as(run + " " + t.label()).isEqualTo(withType(fields(t.record)));
                }
            }
            assertThat(seen).hasSize(EventType.values().length);
        }
    }

    private static Set<String> withType(Set<String> fields) {
        Set<String> out = new TreeSet<>(fields);
        out.add("type");
        return out;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }
}
