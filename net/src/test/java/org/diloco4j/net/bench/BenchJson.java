package org.diloco4j.net.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** The benchmark's result files: one flat JSON object, doubles to 4 significant digits (NaN: null). */
final class BenchJson {
    private static final ObjectMapper JSON = new ObjectMapper().configure(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN, true);
    private static final MathContext DIGITS = new MathContext(4);

    private BenchJson() {
    }

    static String format(Map<String, Object> m) {
        ObjectNode o = JSON.createObjectNode();
        for (var e : m.entrySet()) {
            switch (e.getValue()) {
                case null -> o.putNull(e.getKey());
                case Double d when !Double.isFinite(d) -> o.putNull(e.getKey());
                case Double d -> o.put(e.getKey(), new BigDecimal(d).round(DIGITS));
                case Integer i -> o.put(e.getKey(), i);
                case Long l -> o.put(e.getKey(), l);
                case Boolean b -> o.put(e.getKey(), b);
                default -> o.put(e.getKey(), e.getValue().toString());
            }
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of numbers and strings always serializes", e);
        }
    }

    static void write(Path file, Map<String, Object> m) throws IOException {
        Files.writeString(file, format(m) + "\n");
    }

    static JsonNode read(Path file) throws IOException {
        return JSON.readTree(file.toFile());
    }
}
