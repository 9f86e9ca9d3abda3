package org.diloco4j.core.coord;

import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.ingest.EncodedSource;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A payload the coordinator cannot read from its own spool is its trouble, not the member's: the
 * push is neither refused nor applied, the member keeps its assignment, and the same push read
 * again is applied.
 */
class UnreadablePayloadTest {
    @ParameterizedTest
    @ValueSource(strings = {"int8", "q4"}) // decoded by blocks, and whole
    void anUnreadableSpoolIsNotTheMembersFaultAndItsRetryIsApplied(String codec) {
        CoordinatorConfig cfg = CoordinatorConfig.builder().method(Method.ASYNC).innerSteps(5).minWorkers(2).upCodec(codec)
                .outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 1, 0)).weighting(new WeightingConfig("uniform", 0.5, -1))
                .maxDeltaNorm(1e6).tokenBudget(1_000_000_000).build();
        boolean[] lost = {true};
        StreamedPushTest.Run run = new StreamedPushTest.Run(cfg, data -> new Payload.Encoded(codec, lost[0] ? new Unreadable(data.length) : EncodedSource.of(data)));
        float[] g = new float[StreamedPushTest.N];
        Random r = new Random(3);
        for (int i = 0; i < g.length; i++) g[i] = (float) (0.01 * r.nextGaussian());
        byte[] msg = Codecs.parse(codec).encode(g);
        float[] theta = run.c.theta().clone();
        long version = run.c.version();
        var assigned = List.copyOf(run.c.outstanding(0));

        assertThatThrownBy(() -> run.push(0, msg, 0)).isInstanceOf(PayloadUnreadable.class).hasMessageContaining("member 0")
                .hasMessageContaining("spool gone");
        assertThat(run.c.version()).isEqualTo(version);
        assertThat(run.c.theta()).isEqualTo(theta);
        assertThat(run.c.outstanding(0)).as("the member's assignment is kept").usingRecursiveComparison().isEqualTo(assigned);

        lost[0] = false;
        List<Command> retried = run.push(0, msg, 1);
        assertThat(retried).noneMatch(c -> c instanceof Command.Reject);
        assertThat(run.c.version()).as("the retry is applied").isEqualTo(version + 1);
    }

    /** A spool lost under the process: its size is known, every read fails. */
    private record Unreadable(long size) implements EncodedSource {
        @Override
        public void read(long position, byte[] dst, int off, int len) {
            throw new UncheckedIOException(new IOException("spool gone"));
        }
    }
}
