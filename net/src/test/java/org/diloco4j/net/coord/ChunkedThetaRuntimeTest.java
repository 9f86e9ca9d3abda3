package org.diloco4j.net.coord;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.TrainOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A runtime holding θ in small chunks (boundaries inside the model, and inside bf16's 4096-value
 * groups) applies pushes, serves pulls and writes its checkpoint bit for bit as the runtime holding θ
 * in one array: the chunks are how θ is held, never what it is. The checkpoints are the same file,
 * so one written before θ was chunked reads back as one written since.
 */
class ChunkedThetaRuntimeTest {
    /** Three bf16 groups and a partial one: chunks of 2^8..2^12 cut it in 4 to 52 places. */
    static final int FLOATS = 3 * 4096 + 1000;

    @TempDir
    Path dir;

    /** What one run did: θ₀, the bytes of each pull, θ at the end, the checkpoint file's bytes, and the θ it reads back as. */
    private record Run(float[] theta0, List<byte[]> pulls, float[] theta, byte[] checkpoint, Fp32Vector restored) {
    }

    @Test
    void delayedNesterovWithInt8AndFp32PushesIsTheSameInChunksAsInOneArray() throws Exception {
        for (String up : new String[] {"int8", "fp32"}) {
            same(PullCluster.config(1, Method.ASYNC_DN_DYLU).dylu(true).outer(OuterOptimizerConfig.delayedNesterov(0.7, 0.9, 1, 0))
                    .upCodec(up).downCodec("bf16").build(), up, "dn-" + up);
        }
    }

    @Test
    void asynchronousNesterovWithInt8PushesIsTheSameInChunksAsInOneArray() throws Exception {
        same(PullCluster.config(1, Method.ASYNC).upCodec("int8").downCodec("fp16").build(), "int8", "async");
    }

    private void same(CoordinatorConfig cfg, String up, String name) throws Exception {
        Run one = run(cfg, up, Fp32Vector::wrap, name + "-one");
        assertThat(one.theta()).as("pushes moved θ").isNotEqualTo(one.theta0());
        for (int shift : new int[] {8, 10, 12}) {
            Run chunked = run(cfg, up, a -> Fp32Vector.copyOf(a, shift), name + "-" + shift);
            String what = name + ", chunks of 2^" + shift;
            assertThat(chunked.pulls()).as(what + ": pulls").hasSameSizeAs(one.pulls());
            for (int i = 0; i < one.pulls().size(); i++) assertThat(chunked.pulls().get(i)).as(what + ": pull " + i).isEqualTo(one.pulls().get(i));
            assertThat(chunked.theta()).as(what + ": θ").isEqualTo(one.theta());
            assertThat(chunked.checkpoint()).as(what + ": checkpoint file").isEqualTo(one.checkpoint());
        }
        // Read back in the network runtime's form for its size (ThetaForm: one array this small), whichever runtime wrote it.
        assertThat(one.restored().shift()).isEqualTo(Fp32Vector.ONE_ARRAY_SHIFT);
        assertThat(one.restored().toArray()).isEqualTo(one.theta());
    }

    /** Three rounds of: take the train order, pull θ, push a pseudo-gradient in {@code up}; then stop with a checkpoint. */
    private Run run(CoordinatorConfig cfg, String up, Function<float[], Fp32Vector> form, String name) throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve(name));
        List<byte[]> pulls = new ArrayList<>();
        float[] theta, theta0;
        try (PullCluster c = new PullCluster(cfg, FLOATS, 1 << 16, o -> o, form, store); PullCluster.Member m = c.member("w", "w-1")) {
            theta0 = c.theta0;
            Random r = new Random(5);
            for (int k = 0; k < 3; k++) {
                TrainOrder t = m.nextTrain();
                PullCluster.Got got = m.pull(t.getTheta().getId(), 0);
                assertThat(got.intact()).isTrue();
                pulls.add(got.bytes());
                float[] g = new float[FLOATS];
                for (int i = 0; i < FLOATS; i++) g[i] = (float) r.nextGaussian() * 1e-2f;
                PushReply reply = m.push(got.version(), g, up);
                assertThat(reply.getAccepted()).as(reply.getReason()).isTrue();
            }
            m.nextTrain();
            theta = c.runtime.query(co -> co.thetaVector().toArray());
            c.runtime.stop("the test ends").get(10, TimeUnit.SECONDS);
        }
        Fp32Vector restored = store.load().orElseThrow().state().coordinator().savedThetaVector();
        return new Run(theta0, pulls, theta, Files.readAllBytes(store.file()), restored);
    }
}
