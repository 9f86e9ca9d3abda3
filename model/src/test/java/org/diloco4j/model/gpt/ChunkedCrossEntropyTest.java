package org.diloco4j.model.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.model.nativ.Tensors;
import org.diloco4j.model.nativ.TorchDevice;
import org.junit.jupiter.api.Test;

/** The chunked head against torch's cross_entropy over the whole logits: same loss, same gradient of every parameter. */
class ChunkedCrossEntropyTest {
    // 3 × 16 = 48 rows × vocab 300: a chunk of 1000 floats holds 3 rows, so 16 chunks, the last one full;
    // 700 floats: 2 rows a chunk, 24 chunks. 48 × 300 = 14,400 floats exceed both, so both are chunked.
    private final GptConfig config = new GptConfig(300, 2, 32, 2, 16);
    private final ParamLayout layout = GptLayout.of(config);

    @Test
    void lossAndEveryGradientMatchThePlainPath() {
        float[] plainGrad = new float[layout.arraySize()];
        double plainLoss = lossAndGrad(Long.MAX_VALUE, 1.0, plainGrad);
        for (long chunk : new long[] {1000, 700, 1}) {
            float[] grad = new float[layout.arraySize()];
            double loss = lossAndGrad(chunk, 1.0, grad);
            assertThat(loss).as("chunk %d", chunk).isCloseTo(plainLoss, within(1e-5 * plainLoss));
            assertGradientsClose(grad, plainGrad, 1.0);
        }
    }

    @Test
    void aWeightFlowsThroughTheBackward() {
        float[] plain = new float[layout.arraySize()];
        lossAndGrad(Long.MAX_VALUE, 1.0, plain);
        float[] weighted = new float[layout.arraySize()];
        lossAndGrad(1000, 0.25, weighted);
        assertGradientsClose(weighted, plain, 0.25);
    }

    @Test
    void withoutGradientsOnlyTheLossIsComputed() {
        try (FlatParams p = FlatParams.forTraining(layout, TorchDevice.CPU); Gpt gpt = new Gpt(config, p, 1000);
             PointerScope scope = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            p.load(GptInit.init(config, 5));
            Tensor[] batch = batch();
            Tensor loss = gpt.loss(batch[0], batch[1], Dropout.NONE);
            assertThat(loss.requires_grad()).isFalse();
            assertThat(loss.item_double()).isCloseTo(Math.log(300), within(0.2));
        }
    }

    @Test
    void smallVocabulariesKeepThePlainPath() {
        assertThat(ChunkedCrossEntropy.worthChunking(16 * 128, 256, ChunkedCrossEntropy.DEFAULT_CHUNK_FLOATS)).isFalse();
        assertThat(ChunkedCrossEntropy.worthChunking(16 * 128, 50_257, ChunkedCrossEntropy.DEFAULT_CHUNK_FLOATS)).isTrue();
    }

    private double lossAndGrad(long chunkFloats, double weight, float[] gradOut) {
        try (FlatParams p = FlatParams.forTraining(layout, TorchDevice.CPU); Gpt gpt = new Gpt(config, p, chunkFloats);
             PointerScope scope = new PointerScope()) {
            p.load(GptInit.init(config, 5));
            Tensor[] batch = batch();
            p.zeroGrad();
            Tensor loss = gpt.loss(batch[0], batch[1], Dropout.NONE);
            (weight == 1 ? loss : loss.mul(new Scalar(weight))).backward();
            p.readGrad(gradOut);
            return loss.item_double();
        }
    }

    private static Tensor[] batch() {
        Tensor ids = Tensors.emptyLong(3, 16);
        Tensors.copyIds(FlatParamsTest.randomIds(48, 300, 6), ids);
        Tensor targets = Tensors.emptyLong(3, 16);
        Tensors.copyIds(FlatParamsTest.randomIds(48, 300, 7), targets);
        return new Tensor[] {ids, targets};
    }

    private static void assertGradientsClose(float[] actual, float[] plain, double scale) {
        double maxAbs = 0, norm = 0;
        for (float g : plain) {
            maxAbs = Math.max(maxAbs, Math.abs(g));
            norm += g * g;
        }
        assertThat(norm).isGreaterThan(0);
        for (int i = 0; i < plain.length; i++) {
            assertThat((double) actual[i]).as("gradient %d", i).isCloseTo(scale * plain[i], within(1e-5 * scale * maxAbs));
        }
    }
}
