package org.diloco4j.app.distributed;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a process's {@code /metrics}, as Prometheus would do it: each sample line of the
 * text format, keyed by its series as written (name and labels, e.g. {@code x_total{worker="w0"}}).
 */
record Scrape(String text, Map<String, Double> series) {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\\{[^}]*})?) (\\S+)$", Pattern.MULTILINE);

    static Scrape of(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("/metrics answered " + r.statusCode());
        Map<String, Double> series = new LinkedHashMap<>();
        for (Matcher m = SAMPLE.matcher(r.body()); m.find(); ) series.put(m.group(1), number(m.group(2)));
        return new Scrape(r.body(), series);
    }

    /** A sample value: a Java double, or the text format's +Inf / -Inf. */
    private static double number(String v) {
        return v.endsWith("Inf") ? (v.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY) : Double.parseDouble(v);
    }

    /** The value of one series; fails if it is not exposed. */
    double get(String s) {
        Double v = series.get(s);
        if (v == null) throw new AssertionError("no series " + s + " in:\n" + text);
        return v;
    }

    /** The sum over every label set of metric {@code name}. */
    double sum(String name) {
        double total = 0;
        for (Map.Entry<String, Double> e : series.entrySet()) {
            if (e.getKey().equals(name) || e.getKey().startsWith(name + "{")) total += e.getValue();
        }
        return total;
    }

    /** The {@code TYPE} the exposition declares for {@code name}, or null. */
    String type(String name) {
        Matcher m = Pattern.compile("^# TYPE " + Pattern.quote(name) + " (\\w+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
