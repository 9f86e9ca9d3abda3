package org.diloco4j.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes tensors as a safetensors file, in the given order: the 8-byte little-endian header length,
 * the compact JSON header with {@code __metadata__} first, padded with spaces so the data starts
 * 8-byte aligned, then each tensor's values little-endian, back to back.
 */
public final class SafetensorsWriter {
    private static final int CHUNK = 1 << 18;

    private SafetensorsWriter() {
    }

    /** One tensor to write: fp32 values, or raw bytes (U8). */
    public sealed interface Tensor {
        String name();

        Dtype dtype();

        long[] shape();

        long bytes();

        /** Its little-endian bytes, in chunks, to {@code sink}. */
        void writeTo(OutputStream sink) throws IOException;
    }

    public record F32(String name, long[] shape, float[] data) implements Tensor {
        public Dtype dtype() {
            return Dtype.F32;
        }

        public long bytes() {
            return 4L * data.length;
        }

        public void writeTo(OutputStream sink) throws IOException {
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (int from = 0; from < data.length; from += CHUNK / 4) {
                int n = Math.min(CHUNK / 4, data.length - from);
                chunk.clear();
                chunk.asFloatBuffer().put(data, from, n);
                sink.write(chunk.array(), 0, 4 * n);
            }
        }
    }

    public record U8(String name, byte[] data) implements Tensor {
        public Dtype dtype() {
            return Dtype.U8;
        }

        public long[] shape() {
            return new long[] {data.length};
        }

        public long bytes() {
            return data.length;
        }

        public void writeTo(OutputStream sink) throws IOException {
            sink.write(data);
        }
    }

    /** fp32 tensors with the metadata PyTorch-side loaders expect ({@code format: pt}). */
    public static void write(OutputStream out, List<NamedTensor> tensors) throws IOException {
        List<Tensor> t = new ArrayList<>(tensors.size());
        for (NamedTensor n : tensors) t.add(new F32(n.name(), n.shape(), n.data()));
        write(out, t, Map.of("format", "pt"));
    }

    public static void write(OutputStream out, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        write(out, header(tensors, metadata), tensors);
    }

    /** A file of {@code tensors} behind a header made by {@link #header} (and possibly patched since, at the same length). */
    static void write(OutputStream out, byte[] header, List<Tensor> tensors) throws IOException {
        out.write(lengthField(header));
        out.write(header);
        for (Tensor t : tensors) t.writeTo(out);
    }

    /** The 8 bytes that begin the file: the header's length, little-endian. */
    static byte[] lengthField(byte[] header) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array();
    }

    /** The header, padded: compact JSON with {@code __metadata__} first, then the tensors in order. */
    static byte[] header(List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("__metadata__", metadata);
        long offset = 0;
        for (Tensor t : tensors) {
            long end = offset + t.bytes();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dtype", t.dtype().name());
            e.put("shape", t.shape());
            e.put("data_offsets", new long[] {offset, end});
            if (h.put(t.name(), e) != null) throw new IllegalArgumentException("two tensors are named " + t.name());
            offset = end;
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(h);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) & ~7);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }
}
