package org.diloco4j.app.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What metrics.jsonl adds to core's records, which know no JSON: the fields a line must have
 * (the rest a writer may leave out), and the two names that are not the component's in snake_case
 * ({@code bpb}, and {@code ppl}, written from the loss and not read back).
 */
final class MetricMixins {
    private MetricMixins() {
    }

    abstract static class OuterStep {
        @JsonProperty(required = true) abstract double time();
        @JsonProperty(required = true) abstract long step();
        @JsonProperty(required = true) abstract long tokens();
        @JsonProperty(required = true) abstract long bytesUp();
        @JsonProperty(required = true) abstract long bytesDown();
    }

    abstract static class Decision {
        @JsonProperty(required = true) abstract double time();
        @JsonProperty(required = true) abstract Object kind();
        // The typed drop cause feeds monitoring; metrics.jsonl keeps its keys (the reason says why).
        @JsonIgnore abstract Object cause();
    }

    abstract static class Eval {
        @JsonProperty(required = true) abstract double time();
        @JsonProperty(required = true) abstract long tokens();
        @JsonProperty(required = true) abstract double loss();
        @JsonProperty(required = true) abstract long bytesUp();
        @JsonProperty(required = true) abstract long bytesDown();
        @JsonProperty("bpb") abstract double bitsPerByte();
        @JsonProperty(value = "ppl", access = JsonProperty.Access.READ_ONLY) abstract double perplexity();
    }

    abstract static class TrainLoss {
        @JsonProperty(required = true) abstract double time();
        @JsonProperty(required = true) abstract String worker();
        @JsonProperty(required = true) abstract double loss();
    }

    abstract static class Segment {
        @JsonProperty(required = true) abstract String worker();
        @JsonProperty(required = true) abstract Object kind();
        @JsonProperty(required = true) abstract double start();
        @JsonProperty(required = true) abstract double end();
    }
}
