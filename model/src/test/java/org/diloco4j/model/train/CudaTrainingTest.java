package org.diloco4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Properties;
import org.bytedeco.pytorch.global.torch;
import org.diloco4j.model.data.batch.ListBatchSource;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.nativ.NativeTorch;
import org.diloco4j.model.nativ.TorchDevice;
import org.diloco4j.model.testing.Golden;
import org.diloco4j.model.testing.RandomBatchSource;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The inner loop on a GPU ({@code train.device = cuda:0}), run only where libtorch sees one: the
 * CUDA build ({@code mvn -Pcuda test}, or DILOCO_CUDA=1) on a machine with an NVIDIA GPU. Anywhere
 * else every test here is skipped, and says so and why on standard output.
 */
class CudaTrainingTest {
    private static final TorchDevice GPU = new TorchDevice("cuda:0");

    @BeforeEach
    void needsAGpu() {
        NativeTorch.load();
        boolean available = torch.cuda_is_available();
        String why = "CudaTrainingTest skipped: libtorch reports no CUDA device (the CPU build of org.bytedeco:pytorch is on the"
                + " class path, or the CUDA build found no GPU); run mvn -Pcuda test on a machine with an NVIDIA GPU";
        if (!available) System.out.println(why);
        Assumptions.assumeTrue(available, why);
    }

    @Test
    void fp32OnTheGpuFollowsThePyTorchGoldenLosses() {
        Properties p = Golden.properties("gpt-small.properties");
        GptConfig model = new GptConfig(64, 2, 32, 2, 16);
        TrainerConfig config = new TrainerConfig(new AdamWConfig(1e-2, 0.9, 0.95, 1e-8, 0.1), new LrSchedule(3, 10, 0.1),
                1.0, 0.0, Precision.FP32, 1, GPU);
        double[] expected = Golden.doubles(p, "losses");
        List<TokenBatch> batches = GptGoldenTest.batches(Golden.ints("gpt-small-batches.i32"), 10, 4, 16);
        try (GptTrainer t = GptTrainer.create(model, config, new ListBatchSource(batches), 7)) {
            t.load(Golden.floats("gpt-small-init.f32"));
            float[] losses = t.train(10).losses();
            // TF32 matmuls may be on by default on recent GPUs: 10 bits of mantissa, so 1e-2 rather than fp32's 1e-5.
            for (int i = 0; i < 10; i++) assertThat((double) losses[i]).as("step %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-2));
        }
    }

    @Test
    void bf16AutocastWithGpt2sVocabularyTrainsThroughTheChunkedHead() {
        GptConfig model = new GptConfig(50_257, 2, 64, 2, 64);
        TrainerConfig config = new TrainerConfig(AdamWConfig.defaults().withLr(3e-3), LrSchedule.constant(), 1.0, 0.0,
                Precision.BF16, 1, GPU);
        // The same 4 batches over and over: the loss must fall well below ln V as the model memorises them.
        RandomBatchSource random = new RandomBatchSource(4, 64, 50_257, 3);
        List<TokenBatch> four = List.of(random.next(), random.next(), random.next(), random.next());
        try (GptTrainer t = GptTrainer.create(model, config, new ListBatchSource(four), 1)) {
            float[] losses = t.train(40).losses();
            assertThat((double) losses[0]).isCloseTo(Math.log(50_257), org.assertj.core.data.Offset.offset(0.5));
            assertThat(losses[39]).isLessThan(losses[0] - 1.0f);
            float[] theta = new float[model.parameterCount()];
            t.read(theta);
            for (float x : theta) assertThat(Float.isFinite(x)).isTrue();
        }
    }
}
