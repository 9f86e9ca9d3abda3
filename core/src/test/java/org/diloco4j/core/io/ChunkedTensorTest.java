package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.core.params.TestVectors;
import org.junit.jupiter.api.Test;

/**
 * A chunked vector in a checkpoint is one tensor whatever its chunks: the file is byte for byte the
 * one the same values in one {@code float[]} make (so old checkpoints and new ones are one format),
 * and it reads back into chunks; past 2^32 bytes its header and data offsets hold, checked with
 * chunks that share one small array (nothing near 4 GiB is allocated).
 */
class ChunkedTensorTest {
    record Chunked(Fp32Vector theta, long version) {
    }

    record OneArray(float[] theta, long version) {
    }

    @Test
    void aChunkedVectorIsWrittenAsTheOneArrayIsAndReadBack() throws Exception {
        float[] a = TestVectors.gaussian(4, 5 * 1024 - 117, 1);
        Fp32Vector v = Fp32Vector.copyOf(a, 10);
        assertThat(v.chunkCount()).isEqualTo(5);
        byte[] chunked = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, new Chunked(v, 7), Map.of());
        byte[] one = CheckpointFile.toBytes(CheckpointFile.Kind.COORDINATOR, new OneArray(a, 7), Map.of());
        assertThat(chunked).isEqualTo(one);

        // A file written from one array (as every checkpoint so far) reads as a vector, and as an array.
        Chunked back = CheckpointFile.read(one, "test", CheckpointFile.Kind.COORDINATOR, Chunked.class).state();
        assertThat(back.theta().chunkCount()).as("fits one array: read as one").isEqualTo(1);
        assertThat(back.theta().array()).isEqualTo(a);
        assertThat(CheckpointFile.read(chunked, "test", CheckpointFile.Kind.COORDINATOR, OneArray.class).state().theta()).isEqualTo(a);

        // A tensor cut into chunks of 2^10 (the form a file past one array is read into: toVector walks its bytes the same way).
        Fp32Vector read = TensorData.of(a).toVector(10);
        assertThat(read.chunkCount()).isEqualTo(5);
        for (int c = 0; c < 5; c++) assertThat(read.chunk(c)).isEqualTo(v.chunk(c));
    }

    @Test
    void aChunkedVectorPast2To32BytesHasItsHeaderAndDataWhereTheyBelong() throws Exception {
        // 2^30 + 5 values (4 GiB + 20 bytes): 1024 chunks of 2^20 that are one shared array, and a last chunk of 5.
        int shift = 20;
        long n = (1L << 30) + 5;
        float[] shared = new float[1 << shift];
        for (int i = 0; i < shared.length; i++) shared[i] = i;
        float[][] chunks = new float[Fp32Vector.chunkCount(n, shift)][];
        Arrays.fill(chunks, shared);
        chunks[chunks.length - 1] = new float[] {-1, -2, -3, -4, -5};
        Fp32Vector v = Fp32Vector.of(n, shift, chunks);
        TensorData t = TensorData.of(v);
        assertThat(t.bytes()).isEqualTo(4 * n).isGreaterThan(1L << 32);

        record Outer(Fp32Vector theta, TensorData momentum) {
        }
        record Coordinator(Outer outer) {
        }
        record Root(Coordinator coordinator) {
        }
        CheckpointFile.Layout l = CheckpointFile.layout(CheckpointFile.Kind.COORDINATOR,
                new Root(new Coordinator(new Outer(v, new LayoutCheckpointHeaderTest.Shaped(new long[] {n})))), Map.of());
        SafetensorsReader.Layout read = SafetensorsReader.layout(LayoutCheckpointHeaderTest.file(l.header(), 8 * n), "chunked checkpoint");
        assertThat(read.entries()).extracting(SafetensorsReader.Entry::name).containsExactly(CheckpointFile.THETA, "coordinator.outer.momentum");
        assertThat(read.entries()).extracting(SafetensorsReader.Entry::end).containsExactly(4 * n, 8 * n);
        assertThat(read.entries().getFirst().shape()).containsExactly(n);

        // The data streamed from byte 4·(2^30 − 2), past 2^32: the last two values of chunk 1023, then the last chunk's first four.
        ByteBuffer b = ByteBuffer.allocate(4 * 6).order(ByteOrder.LITTLE_ENDIAN);
        t.copyTo(4 * ((1L << 30) - 2), b);
        b.flip();
        float[] got = new float[6];
        b.asFloatBuffer().get(got);
        assertThat(got).containsExactly((1 << shift) - 2, (1 << shift) - 1, -1, -2, -3, -4);
    }
}
