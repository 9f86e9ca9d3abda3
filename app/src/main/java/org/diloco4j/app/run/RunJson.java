package org.diloco4j.app.run;

import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.run.Segment;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The one Jackson configuration of a run directory's JSON (summary.json, each line of
 * metrics.jsonl): the jobs write and the report reads through the same records with it.
 * <ul>
 *   <li>Field names are the records' component names in snake_case.</li>
 *   <li>Enums are written as their lowercase name and read back case-insensitively; a value this
 *       version does not know reads as null (a newer writer's addition, skipped by the reader).</li>
 *   <li>A number that is not finite (a loss before the first evaluation, a diverged run) is written
 *       as null; null, an absent number field and the strings "NaN"/"Infinity" read as NaN/∞.</li>
 *   <li>An absent or null list or map reads as empty; fields the records do not have are ignored
 *       (writers only ever add fields). Required fields are marked on the records.</li>
 * </ul>
 */
public final class RunJson {
    /** Writes compact JSON (a metrics.jsonl line; summary.json adds indentation) and reads both. */
    public static final JsonMapper MAPPER = build();

    private RunJson() {
    }

    private static JsonMapper build() {
        SimpleModule numbers = new SimpleModule("finite-or-null")
                .addSerializer(Double.class, new FiniteOrNull())
                .addSerializer(double.class, new FiniteOrNull())
                .addDeserializer(Double.class, new NaNForNull())
                .addDeserializer(double.class, new NaNForNull())
                .addDeserializer(Long.class, new Whole<>(Long.class, Long.MIN_VALUE, Long.MAX_VALUE, Number::longValue, null))
                .addDeserializer(long.class, new Whole<>(Long.class, Long.MIN_VALUE, Long.MAX_VALUE, Number::longValue, 0L))
                .addDeserializer(Integer.class, new Whole<>(Integer.class, Integer.MIN_VALUE, Integer.MAX_VALUE, Number::intValue, null))
                .addDeserializer(int.class, new Whole<>(Integer.class, Integer.MIN_VALUE, Integer.MAX_VALUE, Number::intValue, 0));
        JsonMapper m = JsonMapper.builder()
                .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(EnumFeature.WRITE_ENUMS_TO_LOWERCASE)
                .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
                .enable(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_AS_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                // Older writers spelled a diverged loss NaN; accept it rather than lose the whole report.
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .addModule(numbers)
                .addMixIn(Metric.Eval.class, MetricMixins.Eval.class)
                .addMixIn(Metric.OuterStep.class, MetricMixins.OuterStep.class)
                .addMixIn(Metric.Decision.class, MetricMixins.Decision.class)
                .addMixIn(Metric.TrainLoss.class, MetricMixins.TrainLoss.class)
                .addMixIn(Segment.class, MetricMixins.Segment.class)
                .build();
        for (Class<?> c : List.of(List.class, Map.class, SortedMap.class)) {
            m.configOverride(c).setSetterInfo(JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY));
        }
        return m;
    }

    /**
     * Reads one JSON object ({@code text}) as {@code type}.
     *
     * @throws BadJson naming what was wrong (not JSON, or which field is missing or has the wrong type)
     */
    public static <T> T read(String text, Class<T> type) throws BadJson {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw new BadJson(JsonProblem.describe(e));
        }
        if (node == null || node.isMissingNode()) throw new BadJson("expected a JSON object, got nothing");
        return type == JsonNode.class ? type.cast(node) : read(node, type);
    }

    /** Reads an already parsed object as {@code type}; see {@link #read(String, Class)}. */
    public static <T> T read(JsonNode node, Class<T> type) throws BadJson {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JacksonException e) {
            throw new BadJson(JsonProblem.describe(e));
        } catch (IllegalArgumentException e) {
            throw new BadJson(e.getMessage());
        }
    }

    /** What was wrong with a JSON text, in one line without its location (the caller adds file and line). */
    public static final class BadJson extends Exception {
        public BadJson(String message) {
            super(message, null, false, false);
        }
    }

    /** Non-finite numbers as null: JSON has no NaN, and null is what every JSON reader accepts. */
    private static final class FiniteOrNull extends StdSerializer<Double> {
        FiniteOrNull() {
            super(Double.class);
        }

        @Override
        public void serialize(Double v, JsonGenerator gen, SerializerProvider p) throws IOException {
            if (Double.isFinite(v)) gen.writeNumber(v);
            else gen.writeNull();
        }
    }

    /**
     * A whole number: an integer, or a floating literal with a whole value (1.2e9); not 1.5, not a
     * string. Null or absent is 0 for a primitive field (a field a writer may leave out).
     */
    private static final class Whole<T extends Number> extends StdScalarDeserializer<T> {
        private final Class<T> type;
        private final long min;
        private final long max;
        private final java.util.function.Function<Number, T> cast;
        private final T absent;

        Whole(Class<T> type, long min, long max, java.util.function.Function<Number, T> cast, T absent) {
            super(type);
            this.type = type;
            this.min = min;
            this.max = max;
            this.cast = cast;
            this.absent = absent;
        }

        @Override
        public T getNullValue(DeserializationContext ctx) {
            return absent;
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctx) {
            return absent;
        }

        @Override
        public T deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                long v = p.getLongValue();
                if (v >= min && v <= max) return cast.apply(v);
            } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                double d = p.getDoubleValue();
                if (d == Math.rint(d) && d >= min && d <= max && Math.abs(d) < 9.0e18) return cast.apply((long) d);
            }
            throw MismatchedInputException.from(p, type, "not a whole number in range");
        }
    }

    /** A number, or NaN for null, an absent field and the usual spellings of non-finite values. */
    private static final class NaNForNull extends StdScalarDeserializer<Double> {
        NaNForNull() {
            super(Double.class);
        }

        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) return p.getDoubleValue();
            if (t == JsonToken.VALUE_NULL) return Double.NaN;
            if (t == JsonToken.VALUE_STRING) {
                switch (p.getText()) {
                    case "NaN": return Double.NaN;
                    case "Infinity": return Double.POSITIVE_INFINITY;
                    case "-Infinity": return Double.NEGATIVE_INFINITY;
                    default: break;
                }
            }
            return (Double) ctx.handleUnexpectedToken(Double.class, p);
        }

        @Override
        public Double getNullValue(DeserializationContext ctx) {
            return Double.NaN;
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctx) {
            return Double.NaN;
        }

        @Override
        public Object getEmptyValue(DeserializationContext ctx) {
            return Double.NaN;
        }
    }
}
