package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Heap tensors copy their bytes into the caller's buffer, little-endian, without changing that buffer's settings. */
class TensorDataTest {
    @Test
    void heapFloatsGoLittleEndianAndLeaveTheCallersByteOrderAlone() throws Exception {
        TensorData t = TensorData.of(new float[] {1f, -2.5f, 3f});
        ByteBuffer dst = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN);
        dst.position(4);
        dst.limit(12);
        t.copyTo(4, dst);
        assertThat(dst.order()).as("the caller's byte order").isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(dst.position()).isEqualTo(12);
        ByteBuffer le = dst.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(le.getFloat(4)).isEqualTo(-2.5f);
        assertThat(le.getFloat(8)).isEqualTo(3f);
        assertThat(le.getInt(0)).as("bytes before the position untouched").isZero();
    }
}
