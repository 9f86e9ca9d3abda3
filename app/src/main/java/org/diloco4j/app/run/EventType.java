package org.diloco4j.app.run;

import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.run.Segment;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code type} of a metrics.jsonl line, and the one record that defines each: core's records
 * where the event is one ({@link Metric}, {@link Segment}), the run directory's own otherwise. The
 * line is the record's fields ({@link RunJson}) with {@code type} added.
 */
public enum EventType {
    RUN_START(RunStart.class),
    OUTER_STEP(Metric.OuterStep.class),
    DECISION(Metric.Decision.class),
    EVAL(Metric.Eval.class),
    TRAIN_LOSS(Metric.TrainLoss.class),
    SAMPLE(Sample.class),
    SEGMENT(Segment.class);

    /** The record a line of this type is. */
    public final Class<? extends Record> record;

    EventType(Class<? extends Record> record) {
        this.record = record;
    }

    /** The value of the {@code type} field. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The type named {@code label}, or empty for one this version does not know (a newer writer's). */
    public static Optional<EventType> of(String label) {
        for (EventType t : values()) {
            if (t.label().equals(label)) return Optional.of(t);
        }
        return Optional.empty();
    }

    /** The type of an event record. */
    public static EventType of(Record event) {
        for (EventType t : values()) {
            if (t.record.isInstance(event)) return t;
        }
        throw new IllegalArgumentException("not a metrics.jsonl event: " + event.getClass().getName());
    }
}
