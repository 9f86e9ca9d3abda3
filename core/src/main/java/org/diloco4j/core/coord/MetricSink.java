package org.diloco4j.core.coord;

/** Where coordinator records go (a JSONL file, the progress line, a list in tests). */
@FunctionalInterface
public interface MetricSink {
    void emit(Metric metric);

    MetricSink NONE = m -> { };
}
