package org.diloco4j.model.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.params.ParamSpec;
import org.diloco4j.model.nativ.Tensors;
import org.diloco4j.model.nativ.TorchDevice;
import org.junit.jupiter.api.Test;

class FlatParamsTest {
    private final GptConfig config = new GptConfig(64, 2, 32, 2, 16);
    private final ParamLayout layout = GptLayout.of(config);

    @Test
    void writeThenReadIsExact() {
        float[] theta = random(layout.arraySize(), 1);
        theta[0] = Float.MIN_VALUE;            // subnormals and extremes survive the round trip
        theta[1] = -Float.MAX_VALUE;
        try (FlatParams p = FlatParams.forTraining(layout, TorchDevice.CPU)) {
            p.load(theta);
            float[] back = new float[layout.arraySize()];
            p.read(back);
            assertThat(back).isEqualTo(theta);
        }
    }

    @Test
    void everyParameterIsALeafViewOfItsSliceOfTheFlatBuffer() {
        float[] theta = random(layout.arraySize(), 2);
        try (FlatParams p = FlatParams.forTraining(layout, TorchDevice.CPU); PointerScope scope = new PointerScope()) {
            p.load(theta);
            long base = p.flat().data_ptr().address();
            for (ParamSpec s : layout.params()) {
                Tensor v = p.get(s.name());
                assertThat(v.is_leaf()).as(s.name()).isTrue();
                assertThat(v.requires_grad()).as(s.name()).isTrue();
                assertThat(v.data_ptr().address()).as(s.name()).isEqualTo(base + 4L * s.offset());
                long[] shape = new long[(int) v.dim()];
                for (int d = 0; d < shape.length; d++) shape[d] = v.size(d);
                assertThat(shape).as(s.name()).containsExactly(java.util.Arrays.stream(s.shape()).asLongStream().toArray());
                float[] values = new float[s.arrayNumel()];
                Tensors.copyOut(v.contiguous(), values);
                assertThat(values).isEqualTo(java.util.Arrays.copyOfRange(theta, s.range().arrayStart(), s.range().arrayEnd()));
            }
        }
    }

    @Test
    void backwardAccumulatesIntoTheFlatGradient() {
        try (FlatParams p = FlatParams.forTraining(layout, TorchDevice.CPU); Gpt gpt = new Gpt(config, p);
             PointerScope scope = new PointerScope()) {
            p.load(GptInit.init(config, 5));
            Tensor ids = Tensors.emptyLong(2, 16);
            Tensors.copyIds(randomIds(32, 64, 6), ids);
            Tensor targets = Tensors.emptyLong(2, 16);
            Tensors.copyIds(randomIds(32, 64, 7), targets);
            p.zeroGrad();
            gpt.loss(ids, targets, Dropout.NONE).backward();
            float[] flatGrad = new float[layout.arraySize()];
            p.readGrad(flatGrad);
            for (ParamSpec s : layout.params()) {
                Tensor g = p.get(s.name()).grad();
                assertThat(g.data_ptr().address()).as(s.name() + ".grad aliases the flat gradient")
                        .isEqualTo(p.grad().data_ptr().address() + 4L * s.offset());
            }
            double norm = 0;
            for (float g : flatGrad) norm += g * g;
            assertThat(norm).isGreaterThan(0);

            // A second backward without zeroing doubles the gradient: accumulation happens in place.
            gpt.loss(ids, targets, Dropout.NONE).backward();
            float[] twice = new float[layout.arraySize()];
            p.readGrad(twice);
            for (int i = 0; i < twice.length; i += 97) {
                assertThat(twice[i]).isCloseTo(2 * flatGrad[i], org.assertj.core.data.Offset.offset(1e-6f + 1e-5f * Math.abs(flatGrad[i])));
            }
            p.zeroGrad();
            p.readGrad(twice);
            assertThat(twice).containsOnly(0f);
        }
    }

    @Test
    void rejectsThetaOfTheWrongLength() {
        try (FlatParams p = FlatParams.forInference(layout, TorchDevice.CPU)) {
            assertThatThrownBy(() -> p.load(new float[3])).hasMessageContaining("3").hasMessageContaining(String.valueOf(layout.size()));
            assertThatThrownBy(() -> p.get("nope")).hasMessageContaining("nope");
            assertThatThrownBy(p::grad).isInstanceOf(IllegalStateException.class);
        }
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static int[] randomIds(int n, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = r.nextInt(vocab);
        return a;
    }
}
