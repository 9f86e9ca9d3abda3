package org.diloco4j.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Checksum;

/**
 * Writes tensors as a safetensors file, in the given order: the 8-byte little-endian header length,
 * the compact JSON header with {@code __metadata__} first, padded with spaces so the data starts
 * 8-byte aligned, then each tensor's values little-endian, back to back. The header is made from
 * the tensors' shapes and dtypes alone; the values then stream from their source through one reused
 * 4 MiB buffer, so no tensor is ever copied whole.
 */
public final class SafetensorsWriter {
    private SafetensorsWriter() {
    }

    /** One tensor to write: its name in the file and its values. */
    public record Tensor(String name, TensorData data) {
    }

    /** fp32 tensors with the metadata PyTorch-side loaders expect ({@code format: pt}). */
    public static void write(OutputStream out, List<NamedTensor> tensors) throws IOException {
        List<Tensor> t = new ArrayList<>(tensors.size());
        for (NamedTensor n : tensors) t.add(new Tensor(n.name(), new Shaped(n.shape(), TensorData.of(n.data()))));
        write(out, t, Map.of("format", "pt"));
    }

    public static void write(OutputStream out, List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        WritableByteChannel ch = Channels.newChannel(out);
        stream(ch, header(tensors, metadata), tensors, null);
    }

    /**
     * Writes a file of {@code tensors} behind a header made by {@link #header} (and possibly patched
     * since, at the same length) to {@code ch}, adding every byte written to {@code sum} (if not null).
     */
    static void stream(WritableByteChannel ch, byte[] header, List<Tensor> tensors, Checksum sum) throws IOException {
        writeFully(ch, ByteBuffer.wrap(lengthField(header.length)), sum);
        writeFully(ch, ByteBuffer.wrap(header), sum);
        ByteBuffer chunk = ByteBuffer.allocateDirect(Chunks.SIZE);
        for (Tensor t : tensors) {
            long n = t.data().bytes();
            for (long at = 0; at < n; ) {
                int k = (int) Math.min(Chunks.SIZE, n - at);
                chunk.clear().limit(k);
                t.data().copyTo(at, chunk);
                if (chunk.hasRemaining()) throw new IllegalStateException("tensor " + t.name() + " gave " + chunk.position() + " of " + k + " bytes");
                writeFully(ch, chunk.flip(), sum);
                at += k;
            }
        }
    }

    private static void writeFully(WritableByteChannel ch, ByteBuffer b, Checksum sum) throws IOException {
        if (sum != null) sum.update(b.duplicate());
        while (b.hasRemaining()) ch.write(b);
    }

    /** The 8 bytes that begin the file: the header's length, little-endian. */
    static byte[] lengthField(long headerLength) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array();
    }

    /** The header, padded: compact JSON with {@code __metadata__} first, then the tensors in order. */
    static byte[] header(List<Tensor> tensors, Map<String, String> metadata) throws IOException {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("__metadata__", metadata);
        long offset = 0;
        for (Tensor t : tensors) {
            long end = Math.addExact(offset, t.data().bytes());
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("dtype", t.data().dtype().name());
            e.put("shape", t.data().shape());
            e.put("data_offsets", new long[] {offset, end});
            if (h.put(t.name(), e) != null) throw new IllegalArgumentException("two tensors are named " + t.name());
            offset = end;
        }
        byte[] json = new ObjectMapper().writeValueAsBytes(h);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) & ~7);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    /** Another shape for the same values (a model's weight matrix, stored flat). */
    private record Shaped(long[] shape, TensorData values) implements TensorData {
        public Dtype dtype() {
            return values.dtype();
        }

        public void copyTo(long offset, ByteBuffer dst) throws IOException {
            values.copyTo(offset, dst);
        }
    }
}
