package org.diloco4j.model.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.model.nativ.Tensors;
import org.diloco4j.model.nativ.TorchDevice;
import org.junit.jupiter.api.Test;

/** Properties of the forward pass that hold for any θ. */
class GptTest {
    private final GptConfig config = new GptConfig(64, 2, 32, 4, 16);
    private final ParamLayout layout = GptLayout.of(config);

    @Test
    void logitsAtAPositionDoNotDependOnLaterTokens() {
        int[] a = FlatParamsTest.randomIds(16, 64, 1);
        int[] b = a.clone();
        for (int t = 9; t < 16; t++) b[t] = (a[t] + 7) % 64;   // change only the future of position 8
        float[] la = logits(a), lb = logits(b);
        int v = config.vocabSize();
        for (int t = 0; t < 16; t++) {
            float[] ra = java.util.Arrays.copyOfRange(la, t * v, (t + 1) * v);
            float[] rb = java.util.Arrays.copyOfRange(lb, t * v, (t + 1) * v);
            if (t <= 8) {
                assertThat(rb).as("position %d", t).containsExactly(ra, org.assertj.core.data.Offset.offset(1e-5f));
            } else {
                assertThat(rb).as("position %d", t).isNotEqualTo(ra);
            }
        }
    }

    @Test
    void initialLossIsNearUniform() {
        // GPT-2 init makes logits ≈ 0, so the loss starts at about ln V.
        try (FlatParams p = FlatParams.forInference(layout, TorchDevice.CPU); Gpt gpt = new Gpt(config, p);
             PointerScope scope = new PointerScope()) {
            p.load(GptInit.init(config, 9));
            Tensor ids = Tensors.emptyLong(4, 16);
            Tensors.copyIds(FlatParamsTest.randomIds(64, 64, 2), ids);
            Tensor tg = Tensors.emptyLong(4, 16);
            Tensors.copyIds(FlatParamsTest.randomIds(64, 64, 3), tg);
            assertThat(gpt.loss(ids, tg, Dropout.NONE).item_double()).isCloseTo(Math.log(64), org.assertj.core.data.Offset.offset(0.1));
        }
    }

    @Test
    void rejectsSequencesLongerThanTheContext() {
        try (FlatParams p = FlatParams.forInference(layout, TorchDevice.CPU); Gpt gpt = new Gpt(config, p);
             PointerScope scope = new PointerScope()) {
            Tensor ids = Tensors.emptyLong(1, 17);
            Tensors.copyIds(new int[17], ids);
            assertThatThrownBy(() -> gpt.logits(ids, Dropout.NONE)).hasMessageContaining("17").hasMessageContaining("context 16");
        }
    }

    @Test
    void refusesParametersOfAnotherShape() {
        try (FlatParams p = FlatParams.forInference(GptLayout.of(new GptConfig(64, 1, 32, 4, 16)), TorchDevice.CPU)) {
            assertThatThrownBy(() -> new Gpt(config, p)).hasMessageContaining("do not match");
        }
    }

    private float[] logits(int[] ids) {
        try (FlatParams p = FlatParams.forInference(layout, TorchDevice.CPU); Gpt gpt = new Gpt(config, p);
             PointerScope scope = new PointerScope()) {
            p.load(GptInit.init(config, 4));
            Tensor t = Tensors.emptyLong(1, ids.length);
            Tensors.copyIds(ids, t);
            Tensor out = gpt.logits(t, Dropout.NONE).contiguous();     // (1, T, V)
            float[] a = new float[(int) out.numel()];
            Tensors.copyOut(out.view(out.numel()), a);
            return a;
        }
    }
}
