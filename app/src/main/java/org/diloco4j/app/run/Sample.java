package org.diloco4j.app.run;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The {@code sample} event of metrics.jsonl: a continuation of {@code prompt} sampled from the
 * global model θ {@code version} at the end of a run (see {@link TextSample} for the fields).
 */
public record Sample(@JsonProperty(required = true) double time, long version, int index, String prompt,
                     @JsonProperty(required = true) String text, int tokens, long seed, double temperature, int topK) {
    public static Sample of(TextSample s, double time, long version) {
        return new Sample(time, version, s.index(), s.prompt(), s.text(), s.tokens(), s.seed(), s.temperature(), s.topK());
    }
}
