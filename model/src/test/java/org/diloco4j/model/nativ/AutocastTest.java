package org.diloco4j.model.nativ;

import static org.assertj.core.api.Assertions.assertThat;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.DeviceType;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

class AutocastTest {
    @Test
    void matmulsRunInBf16InsideTheRegionOnlyAndReductionsStayFp32() {
        try (PointerScope scope = new PointerScope()) {
            Tensor x = Tensors.zerosFloat(4, 8).add_(new org.bytedeco.pytorch.Scalar(0.5));
            Tensor w = Tensors.zerosFloat(3, 8).add_(new org.bytedeco.pytorch.Scalar(0.25));
            try (Autocast ignored = Autocast.bf16(TorchDevice.CPU)) {
                assertThat(torch.linear(x, w).scalar_type().intern()).isEqualTo(ScalarType.BFloat16);
                assertThat(torch.layer_norm(x, 8).scalar_type().intern()).isEqualTo(ScalarType.Float);
                try (Autocast nested = Autocast.bf16(TorchDevice.CPU)) {
                    assertThat(torch.is_autocast_enabled(DeviceType.CPU)).isTrue();
                }
                assertThat(torch.is_autocast_enabled(DeviceType.CPU)).as("still on after the nested region").isTrue();
            }
            assertThat(torch.is_autocast_enabled(DeviceType.CPU)).isFalse();
            assertThat(torch.linear(x, w).scalar_type().intern()).isEqualTo(ScalarType.Float);
        }
    }
}
