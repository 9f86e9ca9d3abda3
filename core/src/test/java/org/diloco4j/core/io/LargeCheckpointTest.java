package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint of more than 2^31 elements and offsets past 2^31, written and read back through the
 * streaming writer and reader without ever holding it: its big tensor is produced on demand, the
 * "file" keeps only its header and what follows the big tensor, and gives the big tensor back on
 * demand when read.
 */
class LargeCheckpointTest {
    /** 2^31 + 24 bytes: more elements than an int counts, and everything after it at offsets past 2^31. */
    static final long BIG = (1L << 31) + 24;

    /** Byte {@code o} of the big tensor: constant over each MiB, so a chunk is produced with a few fills. */
    static byte pattern(long o) {
        return (byte) (o >>> 20 ^ 0x5a);
    }

    /** The big tensor, produced on demand. */
    record Pattern(long n) implements TensorData {
        public Dtype dtype() {
            return Dtype.U8;
        }

        public long[] shape() {
            return new long[] {n};
        }

        public void copyTo(long offset, ByteBuffer dst) {
            byte[] run = new byte[1 << 20];
            while (dst.hasRemaining()) {
                int k = (int) Math.min(dst.remaining(), (1L << 20) - (offset & ((1 << 20) - 1)));
                Arrays.fill(run, 0, k, pattern(offset));
                dst.put(run, 0, k);
                offset += k;
            }
        }
    }

    record State(TensorData big, float[] after, long steps) {
    }

    /** A file of which only the bytes before {@code from} and from {@code to} on are kept; the rest is the pattern. */
    static final class Sparse implements WritableByteChannel, ByteSource {
        final long from, to;
        final ByteArrayOutputStream head = new ByteArrayOutputStream(), tail = new ByteArrayOutputStream();
        long size;
        byte[] h, t;

        Sparse(long from, long to) {
            this.from = from;
            this.to = to;
        }

        public int write(ByteBuffer b) {
            int n = b.remaining();
            while (b.hasRemaining()) {
                int k = (int) Math.min(b.remaining(), size < from ? from - size : size < to ? to - size : b.remaining());
                byte[] part = new byte[size < from || size >= to ? k : 0];
                if (part.length > 0) b.get(part);
                else b.position(b.position() + k);
                (size < from ? head : tail).write(part, 0, part.length);
                size += k;
            }
            return n;
        }

        public boolean isOpen() {
            return true;
        }

        public void close() {
        }

        public long size() {
            return size;
        }

        public void read(long position, ByteBuffer dst) {
            while (dst.hasRemaining()) {
                if (position < from) dst.put(h[(int) position++]);
                else if (position >= to) dst.put(t[(int) (position++ - to)]);
                else {
                    int k = (int) Math.min(dst.remaining(), to - position);
                    ByteBuffer part = dst.slice(dst.position(), k);
                    new Pattern(BIG).copyTo(position - from, part);
                    dst.position(dst.position() + k);
                    position += k;
                }
            }
        }
    }

    @Test
    void aStateOverTwoGibibytesRoundTripsThroughTheStreamingWriterAndReader() throws IOException {
        State state = new State(new Pattern(BIG), new float[] {1.5f, -2f, Float.NaN}, 7);
        CheckpointFile.Layout l = CheckpointFile.layout(CheckpointFile.Kind.SIMULATION, state, Map.of("mark", "3"));
        long dataStart = 8 + l.header().length;
        Sparse file = new Sparse(dataStart, dataStart + BIG);
        byte[] digits = l.stream(file);
        file.h = file.head.toByteArray();
        file.t = file.tail.toByteArray();
        System.arraycopy(digits, 0, file.h, 8 + l.crc().at(), digits.length);

        assertThat(file.size()).isEqualTo(dataStart + BIG + 12);
        SafetensorsReader.Layout read = SafetensorsReader.layout(file, "big");
        assertThat(read.entries()).extracting(SafetensorsReader.Entry::begin).containsExactly(0L, BIG);
        assertThat(read.entries().get(0).shape()).containsExactly(BIG);

        CheckpointFile.Checked c = CheckpointFile.check(file, "big", CheckpointFile.Kind.SIMULATION);
        assertThat(c.scalars()).isEqualTo(Map.of("mark", "3"));
        State back = c.state(State.class);
        assertThat(back.steps()).isEqualTo(7);
        assertThat(back.after()).containsExactly(1.5f, -2f, Float.NaN);
        assertThat(back.big().numel()).isEqualTo(BIG);
        ByteBuffer end = ByteBuffer.allocate(24);
        back.big().copyTo(BIG - 24, end);
        for (int i = 0; i < 24; i++) assertThat(end.get(i)).isEqualTo(pattern(BIG - 24 + i));

        // The last byte of the file is past 2^31: one bit of it is a damaged file.
        file.t[file.t.length - 1] ^= 1;
        assertThatThrownBy(() -> CheckpointFile.check(file, "big", CheckpointFile.Kind.SIMULATION))
                .isInstanceOf(CheckpointException.class).hasMessage("big: checksum mismatch, the file is corrupted");
    }

    @Test
    void theHeaderStatesOffsetsAndShapesPastTwoToTheThirtyOne() throws IOException {
        long n = 3_000_000_000L;   // fp32 values: 12 GB, never made
        byte[] header = SafetensorsWriter.header(java.util.List.of(
                new SafetensorsWriter.Tensor("a", new Shape(n)), new SafetensorsWriter.Tensor("b", new Shape(2))), Map.of());
        String json = new String(header, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(json).contains("\"a\":{\"dtype\":\"F32\",\"shape\":[3000000000],\"data_offsets\":[0,12000000000]}")
                .contains("\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12000000000,12000000008]}");
        ByteSource file = new ByteSource() {
            public long size() {
                return 8 + header.length + 4 * (n + 2);
            }

            public void read(long position, ByteBuffer dst) {
                ByteBuffer all = ByteBuffer.allocate(8 + header.length).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).put(header);
                while (dst.hasRemaining()) dst.put(position < all.capacity() ? all.get((int) position++) : 0);
            }
        };
        SafetensorsReader.Layout l = SafetensorsReader.layout(file, "huge");
        assertThat(l.entries()).extracting(SafetensorsReader.Entry::end).containsExactly(12_000_000_000L, 12_000_000_008L);
        assertThat(l.stored(file, l.entries().get(1)).toFloats()).containsExactly(0f, 0f);
    }

    /** fp32 values of a shape, never made (only the header is). */
    record Shape(long n) implements TensorData {
        public Dtype dtype() {
            return Dtype.F32;
        }

        public long[] shape() {
            return new long[] {n};
        }

        public void copyTo(long offset, ByteBuffer dst) {
            throw new AssertionError("not written");
        }
    }
}
