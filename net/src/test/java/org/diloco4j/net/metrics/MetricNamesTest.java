package org.diloco4j.net.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.diloco4j.net.proto.WorkerStats;
import org.diloco4j.net.wire.WireCounter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics both processes expose are exactly those docs/distributed.md lists, each with the
 * documented type and labels and a HELP text: the table operators read is the exposition.
 */
class MetricNamesTest {
    /** A row of the docs' metric tables: | `name` | type | unit | labels | meaning |. */
    private static final Pattern ROW = Pattern.compile("^\\| `(diloco_[a-z_]+)` \\| (counter|gauge|histogram) \\| [^|]+ \\|([^|]*)\\|", Pattern.MULTILINE);
    private static final Pattern TYPE = Pattern.compile("^# TYPE (diloco_[a-z_]+) (\\w+)$", Pattern.MULTILINE);

    record Documented(String type, List<String> labels) {
    }

    @Test
    void theCoordinatorExposesExactlyTheDocumentedMetrics() throws IOException {
        PrometheusRegistry r = new PrometheusRegistry();
        PrometheusCoordinatorMetrics m = new PrometheusCoordinatorMetrics(r);
        WireCounter wire = new WireCounter();
        m.attach("diloco", wire);
        // Labelled series exist once something happened to a worker.
        m.joined("w0", 1);
        m.trained("w0", 640, 1000);
        m.trainLoss("w0", 3.2);
        m.bytes("w0", 100, 200);
        m.outerStep(List.of("w0"), List.of(0L));
        wire.serverTracer().newServerStreamTracer("diloco.Diloco/PushDelta", new io.grpc.Metadata()).inboundWireSize(10);
        assertExposes(r, "diloco_coordinator_");
    }

    @Test
    void aWorkerExposesExactlyTheDocumentedMetrics() throws IOException {
        PrometheusRegistry r = new PrometheusRegistry();
        PrometheusWorkerMetrics m = new PrometheusWorkerMetrics(r, "w0");
        WireCounter wire = new WireCounter();
        m.attach(() -> WorkerStats.newBuilder().setSteps(10).build(), wire);
        wire.serverTracer().newServerStreamTracer("diloco.Diloco/PushDelta", new io.grpc.Metadata()).outboundWireSize(10);
        assertExposes(r, "diloco_worker_");
    }

    private static void assertExposes(PrometheusRegistry r, String prefix) throws IOException {
        Map<String, Documented> documented = documented(prefix);
        assertThat(documented).hasSizeGreaterThan(10);
        String text = exposition(r);
        Map<String, String> exposed = new TreeMap<>();
        for (Matcher t = TYPE.matcher(text); t.find(); ) exposed.put(t.group(1), t.group(2));
        Map<String, String> documentedTypes = new TreeMap<>();
        documented.forEach((name, d) -> documentedTypes.put(name, d.type()));
        assertThat(exposed).isEqualTo(documentedTypes);
        documented.forEach((name, d) -> {
            assertThat(text).as(name).containsPattern("(?m)^# HELP " + name + " \\S.{9,}$");
            for (String label : d.labels()) assertThat(text).as(name + " labelled " + label).containsPattern("(?m)^" + name + "\\{[^}]*\\b" + label + "=\"");
            if (d.labels().isEmpty() && !d.type().equals("histogram")) assertThat(text).as(name).containsPattern("(?m)^" + name + " ");
        });
    }

    private static Map<String, Documented> documented(String prefix) throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "distributed.md"));
        Map<String, Documented> out = new TreeMap<>();
        for (Matcher row = ROW.matcher(doc); row.find(); ) {
            if (!row.group(1).startsWith(prefix)) continue;
            List<String> labels = Pattern.compile("`([a-z_]+)`").matcher(row.group(3)).results().map(x -> x.group(1)).toList();
            out.put(row.group(1), new Documented(row.group(2), labels));
        }
        return out;
    }

    private static String exposition(PrometheusRegistry r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, r.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
