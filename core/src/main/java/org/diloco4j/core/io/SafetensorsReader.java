package org.diloco4j.core.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads a safetensors file: an 8-byte little-endian header length N, N bytes of JSON ({name:
 * {dtype, shape, data_offsets}}, plus an optional {@code __metadata__}), then the tensors' bytes.
 * Every claim of the header is checked against the file before any data is read, so a truncated or
 * foreign file is named as such rather than read as garbage. F32 is read as is; F16 and BF16 are
 * widened to fp32, which is exact; a tensor of another dtype can be skipped, but not read as floats
 * ({@link #raw} gives any tensor's bytes).
 */
public final class SafetensorsReader {
    /** The reference implementation's bound on the header: a larger one is not a safetensors file. */
    static final long MAX_HEADER = 100L << 20;
    private static final String METADATA = "__metadata__";
    private SafetensorsReader() {
    }

    /** Where one tensor's bytes are, relative to the start of the data section. */
    record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {
    }

    /** One tensor as stored: its dtype, shape and little-endian bytes. */
    public record RawTensor(String name, Dtype dtype, long[] shape, ByteBuffer data) {
    }

    /** A whole file: the header's {@code __metadata__} (string to string) and every tensor, in the header's order. */
    public record Contents(Map<String, String> metadata, Map<String, RawTensor> tensors) {
    }

    /**
     * A file's header, checked against the file: its length {@code n} (the data starts at byte
     * {@code 8 + n}), its bytes, the parsed JSON, the metadata and the tensors in the header's order.
     */
    record Layout(long headerLength, ByteBuffer header, Map<String, String> metadata, List<Entry> entries) {
        long dataStart() {
            return 8 + headerLength;
        }

        /** Tensor {@code e}'s values, read from {@code src} when asked for. */
        TensorData stored(ByteSource src, Entry e) {
            return new Stored(src, e.dtype(), e.shape(), dataStart() + e.begin());
        }
    }

    /** A tensor's values in a file, read positionally chunk by chunk. */
    private record Stored(ByteSource src, Dtype dtype, long[] shape, long position) implements TensorData {
        public void copyTo(long offset, ByteBuffer dst) throws IOException {
            if (offset < 0 || offset + dst.remaining() > bytes()) {
                throw new IndexOutOfBoundsException("bytes [" + offset + ", " + (offset + dst.remaining()) + ") of a tensor of " + bytes());
            }
            src.read(position + offset, dst);
        }
    }

    /** Every tensor of {@code file}, in the header's order. */
    public static Map<String, NamedTensor> read(Path file) throws IOException {
        return read(file, name -> true);
    }

    /** The tensors of {@code file} whose names {@code wanted} accepts, in the header's order; the others are not read. */
    public static Map<String, NamedTensor> read(Path file, Predicate<String> wanted) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteSource src = ByteSource.of(ch);
            String what = file.toString();
            Layout l = layout(src, what);
            Map<String, NamedTensor> out = new LinkedHashMap<>();
            for (Entry e : l.entries()) {
                if (!wanted.test(e.name())) continue;
                if (!e.dtype().readable()) {
                    throw bad(what, ": tensor " + e.name() + " is " + e.dtype() + "; only F32, F16 and BF16 can be read");
                }
                out.put(e.name(), new NamedTensor(e.name(), e.shape(), e.dtype().floats(src.bytes(l.dataStart() + e.begin(), length(what, e)))));
            }
            return out;
        }
    }

    /** The whole of a safetensors file held in {@code bytes}; {@code what} names it in errors. */
    public static Contents raw(byte[] bytes, String what) throws IOException {
        ByteSource src = ByteSource.of(bytes);
        Layout l = layout(src, what);
        Map<String, RawTensor> out = new LinkedHashMap<>();
        for (Entry e : l.entries()) {
            out.put(e.name(), new RawTensor(e.name(), e.dtype(), e.shape(), src.bytes(l.dataStart() + e.begin(), length(what, e))));
        }
        return new Contents(l.metadata(), out);
    }

    /** The header of {@code src}, every claim of it checked against the source's size; no tensor data is read. */
    static Layout layout(ByteSource src, String what) throws IOException {
        long n = headerLength(src, what);
        ByteBuffer header = src.bytes(8, (int) n);
        JsonNode json = json(what, header);
        return new Layout(n, header, metadata(what, json), entries(what, json, src.size() - 8 - n));
    }

    /** Parses headers (thread-safe once built). */
    private static final ObjectMapper JSON = new ObjectMapper();

    private static long headerLength(ByteSource src, String what) throws IOException {
        long size = src.size();
        if (size < 8) throw bad(what, " is " + size + " bytes long, too short for a safetensors file");
        long n = src.bytes(0, 8).getLong();
        if (n < 2 || n > MAX_HEADER || n > size - 8) {
            throw bad(what, " says its header is " + Long.toUnsignedString(n) + " bytes long, but the file has " + (size - 8)
                    + " after the length field: it is truncated or not a safetensors file");
        }
        return n;
    }

    private static int length(String what, Entry e) throws SafetensorsException {
        if (e.end() - e.begin() > Integer.MAX_VALUE - 8) {
            throw bad(what, ": tensor " + e.name() + " has " + (e.end() - e.begin()) + " bytes, more than one Java array holds");
        }
        return (int) (e.end() - e.begin());
    }

    private static JsonNode json(String what, ByteBuffer header) throws SafetensorsException {
        JsonNode json;
        try {
            json = JSON.readTree(header.array(), header.arrayOffset() + header.position(), header.remaining());
        } catch (IOException e) {
            throw bad(what, " has a header that is not valid JSON: it is damaged or not a safetensors file");
        }
        if (json == null || !json.isObject()) throw bad(what, " has a header that is not a JSON object");
        return json;
    }

    private static Map<String, String> metadata(String what, JsonNode json) throws SafetensorsException {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode m = json.path(METADATA);
        if (m.isMissingNode()) return out;
        if (!m.isObject()) throw bad(what, ": its " + METADATA + " is not a JSON object");
        for (Map.Entry<String, JsonNode> f : m.properties()) {
            if (!f.getValue().isTextual()) throw bad(what, ": " + METADATA + "." + f.getKey() + " is not a string");
            out.put(f.getKey(), f.getValue().asText());
        }
        return out;
    }

    private static List<Entry> entries(String what, JsonNode json, long dataBytes) throws SafetensorsException {
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : json.properties()) {
            if (!f.getKey().equals(METADATA)) entries.add(entry(what, f.getKey(), f.getValue()));
        }
        // The data section is the tensors back to back, in offset order, with nothing left over.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        long at = 0;
        for (Entry e : byOffset) {
            if (e.begin() != at) throw bad(what, ": tensor " + e.name() + " starts at byte " + e.begin() + " of the data, expected " + at);
            at = e.end();
        }
        if (at != dataBytes) {
            throw bad(what, " has " + dataBytes + " bytes of tensor data where its header describes " + at + ": it is truncated or damaged");
        }
        return entries;
    }

    private static Entry entry(String what, String name, JsonNode t) throws SafetensorsException {
        JsonNode shape = t.path("shape");
        JsonNode offsets = t.path("data_offsets");
        if (!t.path("dtype").isTextual() || !shape.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw bad(what, ": tensor " + name + " lacks a dtype, shape or data_offsets [begin, end] in the header");
        }
        Dtype dtype = Dtype.named(t.get("dtype").asText());
        if (dtype == null) throw bad(what, ": tensor " + name + " has dtype " + t.get("dtype").asText() + ", which safetensors does not define");
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) throw bad(what, ": tensor " + name + " has shape " + shape);
            dims[i] = shape.get(i).asLong();
        }
        long begin = offsets.get(0).asLong(-1), end = offsets.get(1).asLong(-1);
        long bytes;
        try {
            bytes = Math.multiplyExact(NamedTensor.numel(dims), dtype.width);
        } catch (ArithmeticException e) {
            throw bad(what, ": tensor " + name + " has shape " + shape + ", too large");
        }
        if (begin < 0 || end < begin || end - begin != bytes) {
            throw bad(what, ": tensor " + name + " of shape " + Arrays.toString(dims) + " (" + dtype + ") has data_offsets " + offsets
                    + ", which do not span its " + bytes + " bytes");
        }
        return new Entry(name, dtype, dims, begin, end);
    }

    /** {@code what} begins with its separator: " is ..." or ": tensor ...". */
    private static SafetensorsException bad(String file, String what) {
        return new SafetensorsException(file + what);
    }
}
