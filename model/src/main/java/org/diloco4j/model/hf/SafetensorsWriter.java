package org.diloco4j.model.hf;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes fp32 tensors as a safetensors file, in the given order: the 8-byte little-endian header
 * length, the compact JSON header with {@code __metadata__: {format: pt}} first (what PyTorch-side
 * loaders expect), padded with spaces so the data starts 8-byte aligned, then each tensor's values
 * little-endian, back to back.
 */
public final class SafetensorsWriter {
    private static final int CHUNK_FLOATS = 1 << 16;

    private SafetensorsWriter() {
    }

    public static void write(OutputStream out, List<NamedTensor> tensors) throws IOException {
        byte[] header = header(tensors);
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
        out.write(header);
        ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
        for (NamedTensor t : tensors) {
            float[] d = t.data();
            for (int from = 0; from < d.length; from += CHUNK_FLOATS) {
                int n = Math.min(CHUNK_FLOATS, d.length - from);
                chunk.clear();
                chunk.asFloatBuffer().put(d, from, n);
                out.write(chunk.array(), 0, 4 * n);
            }
        }
    }

    private static byte[] header(List<NamedTensor> tensors) throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("__metadata__", Map.of("format", "pt"));
        long offset = 0;
        for (NamedTensor t : tensors) {
            long end = offset + 4L * t.data().length;
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dtype", Dtype.F32.name());
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
