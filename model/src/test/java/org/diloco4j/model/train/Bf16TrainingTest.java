package org.diloco4j.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Properties;
import org.diloco4j.model.data.batch.ListBatchSource;
import org.diloco4j.model.data.batch.TokenBatch;
import org.diloco4j.model.gpt.GptConfig;
import org.diloco4j.model.nativ.TorchDevice;
import org.diloco4j.model.testing.Golden;
import org.junit.jupiter.api.Test;

/**
 * bf16 autocast in the inner loop: the golden run again, now with matmuls and attention in
 * bfloat16. The losses must follow PyTorch's fp32 losses to within bf16 precision (8 bits of
 * mantissa: ~4e-3 relative per op; measured max |Δ| 7.1e-3 here) yet differ from them by more than fp32
 * rounding (so autocast really ran), and θ stays fp32 and finite.
 */
class Bf16TrainingTest {
    @Test
    void bf16FollowsTheFp32ReferenceWithinBf16Precision() {
        Properties p = Golden.properties("gpt-small.properties");
        GptConfig model = new GptConfig(64, 2, 32, 2, 16);
        TrainerConfig config = new TrainerConfig(new AdamWConfig(1e-2, 0.9, 0.95, 1e-8, 0.1), new LrSchedule(3, 10, 0.1),
                1.0, 0.0, Precision.BF16, 1, TorchDevice.CPU);
        double[] fp32 = Golden.doubles(p, "losses");
        List<TokenBatch> batches = GptGoldenTest.batches(Golden.ints("gpt-small-batches.i32"), 10, 4, 16);
        try (GptTrainer t = GptTrainer.create(model, config, new ListBatchSource(batches), 7)) {
            t.load(Golden.floats("gpt-small-init.f32"));
            float[] losses = t.train(10).losses();
            double maxDiff = 0;
            for (int i = 0; i < 10; i++) maxDiff = Math.max(maxDiff, Math.abs(losses[i] - fp32[i]));
            assertThat(maxDiff).as("max |loss_bf16 − loss_fp32|").isLessThan(2e-2).isGreaterThan(1e-5);
            float[] theta = new float[model.parameterCount()];
            t.read(theta);
            for (float x : theta) assertThat(Float.isFinite(x)).isTrue();
        }
    }
}
