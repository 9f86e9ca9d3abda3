package org.diloco4j.model.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.EOFException;
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
 * widened to fp32, which is exact; a tensor of another dtype can be skipped, but not read.
 */
public final class SafetensorsReader {
    /** The reference implementation's bound on the header: a larger one is not a safetensors file. */
    static final long MAX_HEADER = 100L << 20;
    private static final String METADATA = "__metadata__";
    private SafetensorsReader() {
    }

    /** Where one tensor's bytes are, relative to the start of the data section. */
    private record Entry(String name, Dtype dtype, long[] shape, long begin, long end) {
    }

    /** Every tensor of {@code file}, in the header's order. */
    public static Map<String, NamedTensor> read(Path file) throws IOException {
        return read(file, name -> true);
    }

    /** The tensors of {@code file} whose names {@code wanted} accepts, in the header's order; the others are not read. */
    public static Map<String, NamedTensor> read(Path file, Predicate<String> wanted) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw bad(file, " is " + size + " bytes long, too short for a safetensors file");
            long n = readFully(ch, 0, 8).getLong();
            if (n < 2 || n > MAX_HEADER || n > size - 8) {
                throw bad(file, " says its header is " + Long.toUnsignedString(n) + " bytes long, but the file has " + (size - 8)
                        + " after the length field: it is truncated or not a safetensors file");
            }
            List<Entry> entries = entries(file, readFully(ch, 8, (int) n), size - 8 - n);
            Map<String, NamedTensor> out = new LinkedHashMap<>();
            for (Entry e : entries) {
                if (!wanted.test(e.name())) continue;
                if (!e.dtype().readable()) {
                    throw bad(file, ": tensor " + e.name() + " is " + e.dtype() + "; only F32, F16 and BF16 can be read");
                }
                if (e.end() - e.begin() > Integer.MAX_VALUE - 8) {
                    throw bad(file, ": tensor " + e.name() + " has " + (e.end() - e.begin()) + " bytes, more than one Java array holds");
                }
                ByteBuffer bytes = readFully(ch, 8 + n + e.begin(), Math.toIntExact(e.end() - e.begin()));
                out.put(e.name(), new NamedTensor(e.name(), e.shape(), e.dtype().floats(bytes)));
            }
            return out;
        }
    }

    private static List<Entry> entries(Path file, ByteBuffer header, long dataBytes) throws HfFormatException {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(header.array());
        } catch (IOException e) {
            throw bad(file, " has a header that is not valid JSON: it is damaged or not a safetensors file");
        }
        if (json == null || !json.isObject()) throw bad(file, " has a header that is not a JSON object");
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, JsonNode> f : json.properties()) {
            if (!f.getKey().equals(METADATA)) entries.add(entry(file, f.getKey(), f.getValue()));
        }
        // The data section is the tensors back to back, in offset order, with nothing left over.
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin));
        long at = 0;
        for (Entry e : byOffset) {
            if (e.begin() != at) throw bad(file, ": tensor " + e.name() + " starts at byte " + e.begin() + " of the data, expected " + at);
            at = e.end();
        }
        if (at != dataBytes) {
            throw bad(file, " has " + dataBytes + " bytes of tensor data where its header describes " + at + ": it is truncated or damaged");
        }
        return entries;
    }

    private static Entry entry(Path file, String name, JsonNode t) throws HfFormatException {
        JsonNode shape = t.path("shape");
        JsonNode offsets = t.path("data_offsets");
        if (!t.path("dtype").isTextual() || !shape.isArray() || !offsets.isArray() || offsets.size() != 2) {
            throw bad(file, ": tensor " + name + " lacks a dtype, shape or data_offsets [begin, end] in the header");
        }
        Dtype dtype = Dtype.named(t.get("dtype").asText());
        if (dtype == null) throw bad(file, ": tensor " + name + " has dtype " + t.get("dtype").asText() + ", which safetensors does not define");
        long[] dims = new long[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            if (!shape.get(i).canConvertToLong() || shape.get(i).asLong() < 0) throw bad(file, ": tensor " + name + " has shape " + shape);
            dims[i] = shape.get(i).asLong();
        }
        long begin = offsets.get(0).asLong(-1), end = offsets.get(1).asLong(-1);
        long bytes;
        try {
            bytes = Math.multiplyExact(NamedTensor.numel(dims), dtype.width);
        } catch (ArithmeticException e) {
            throw bad(file, ": tensor " + name + " has shape " + shape + ", too large");
        }
        if (begin < 0 || end < begin || end - begin != bytes) {
            throw bad(file, ": tensor " + name + " of shape " + Arrays.toString(dims) + " (" + dtype + ") has data_offsets " + offsets
                    + ", which do not span its " + bytes + " bytes");
        }
        return new Entry(name, dtype, dims, begin, end);
    }

    private static ByteBuffer readFully(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) throw new EOFException("end of file at byte " + (position + b.position()));
        }
        return b.flip();
    }

    /** {@code what} begins with its separator: " is ..." or ": tensor ...". */
    private static HfFormatException bad(Path file, String what) {
        return new HfFormatException(file + what);
    }
}
