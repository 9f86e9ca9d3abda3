package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.diloco4j.core.params.BigLayouts;
import org.diloco4j.core.params.ParamLayout;
import org.diloco4j.core.params.ParamSpec;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint and model-file headers of a 70B-class layout, made and parsed back without the data
 * (the file's data section is zeros on demand): every tensor's byte offsets are 4 × its layout
 * offset, and a coordinator state of θ, momentum and accumulator of that size is laid out back to
 * back past 2^31 and 2^32 bytes.
 */
class LayoutCheckpointHeaderTest {
    /** fp32 values of a shape, never made (only the header is). */
    record Shaped(long[] shape) implements TensorData {
        public Dtype dtype() {
            return Dtype.F32;
        }

        public void copyTo(long offset, ByteBuffer dst) {
            throw new AssertionError("not written");
        }
    }

    record Outer(TensorData theta, TensorData momentum, TensorData accumulator, long arrivals) {
    }

    record Coordinator(Outer outer) {
    }

    record Root(Coordinator coordinator) {
    }

    /** A file of {@code header} followed by {@code dataBytes} zero bytes, served on demand. */
    static ByteSource file(byte[] header, long dataBytes) {
        ByteBuffer head = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header);
        return new ByteSource() {
            public long size() {
                return 8 + header.length + dataBytes;
            }

            public void read(long position, ByteBuffer dst) {
                while (dst.hasRemaining()) dst.put(position < head.capacity() ? head.get((int) position++) : 0);
            }
        };
    }

    @Test
    void aModelFileOfTheLayoutHasEachTensorAtFourTimesItsOffset() throws Exception {
        ParamLayout l = BigLayouts.seventyB();
        List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
        for (ParamSpec p : l.params()) {
            long[] shape = new long[p.shape().length];
            for (int i = 0; i < shape.length; i++) shape[i] = p.shape()[i];
            tensors.add(new SafetensorsWriter.Tensor(p.name(), new Shaped(shape)));
        }
        byte[] header = SafetensorsWriter.header(tensors, Map.of("format", "pt"));
        SafetensorsReader.Layout read = SafetensorsReader.layout(file(header, 4 * l.size()), "70b");
        assertThat(read.entries()).hasSize(l.params().size());
        for (SafetensorsReader.Entry e : read.entries()) {
            ParamSpec p = l.get(e.name());
            assertThat(e.begin()).as(e.name()).isEqualTo(4 * p.offset());
            assertThat(e.end()).as(e.name()).isEqualTo(4 * p.range().end());
        }
        assertThat(read.entries().getLast().end()).isEqualTo(4 * l.size());
    }

    @Test
    void aCoordinatorCheckpointOfTheLayoutRoundTripsThroughTheHeaderParser() throws Exception {
        long n = BigLayouts.seventyB().size();
        Root state = new Root(new Coordinator(new Outer(new Shaped(new long[] {n}), new Shaped(new long[] {n}), new Shaped(new long[] {n}), 41)));
        CheckpointFile.Layout l = CheckpointFile.layout(CheckpointFile.Kind.COORDINATOR, state, Map.of("mark", "9"));
        SafetensorsReader.Layout read = SafetensorsReader.layout(file(l.header(), 12 * n), "70b checkpoint");
        assertThat(read.entries()).extracting(SafetensorsReader.Entry::name)
                .containsExactly(CheckpointFile.THETA, "coordinator.outer.momentum", "coordinator.outer.accumulator");
        assertThat(read.entries()).extracting(SafetensorsReader.Entry::begin).containsExactly(0L, 4 * n, 8 * n);
        assertThat(read.entries()).allSatisfy(e -> assertThat(e.shape()).containsExactly(n));
        assertThat(read.metadata()).containsEntry("theta", CheckpointFile.THETA).containsEntry("mark", "9");
        assertThat(ChecksumField.locate(read.header().array(), (int) read.headerLength())).isEqualTo(l.crc());
    }
}
