package org.diloco4j.model.nativ;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

class TensorsTest {
    @Test
    void copiesRoundTripAndRejectMismatches() {
        try (PointerScope scope = new PointerScope()) {
            Tensor t = Tensors.zerosFloat(2, 3);
            float[] in = {1, 2, 3, 4, 5, 6};
            Tensors.copyIn(in, t);
            assertThat(t.sum().item_float()).isEqualTo(21f);
            float[] out = new float[6];
            Tensors.copyOut(t, out);
            assertThat(out).isEqualTo(in);
            assertThatThrownBy(() -> Tensors.copyIn(new float[5], t)).hasMessageContaining("of 5 elements").hasMessageContaining("Float tensor of 6 elements");
            assertThatThrownBy(() -> Tensors.copyOut(t.transpose(0, 1), out)).hasMessageContaining("not contiguous");
            Tensor ids = Tensors.emptyLong(2, 2);
            Tensors.copyIds(new int[] {7, 8, 9, 10}, ids);
            assertThat(ids.sum().item_long()).isEqualTo(34);
            assertThatThrownBy(() -> Tensors.copyIds(new int[3], ids)).hasMessageContaining("int64");
        }
    }

    @Test
    void devicesParseAndUnavailableCudaFailsClearly() {
        assertThat(TorchDevice.parse(" CPU ")).isEqualTo(TorchDevice.CPU);
        assertThat(TorchDevice.parse("cuda:1").isCpu()).isFalse();
        assertThatThrownBy(() -> TorchDevice.parse("gpu")).hasMessageContaining("'gpu'");
        if (!org.bytedeco.pytorch.global.torch.cuda_is_available()) {
            assertThatThrownBy(() -> TorchDevice.parse("cuda:0").requireAvailable())
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no CUDA");
        }
    }
}
