package org.diloco4j.core.io;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The one checkpoint format of both drivers: a safetensors file whose tensors are the state's
 * arrays, raw little-endian ({@link TensorTable}), and whose {@code __metadata__} holds the rest of
 * the state as JSON with a format name, a version, the driver's kind and a CRC32C over the tensor
 * data and the JSON. Any safetensors reader (numpy in a few lines, see scripts/read_checkpoint.py)
 * can open it; the JSON is written with Jackson from the state records, so no class of ours is
 * named in the file and none is instantiated except the records the reader asks for.
 *
 * <p>Metadata keys: {@code format} ({@value #FORMAT}), {@code version}, {@code kind}, {@code state}
 * (JSON), {@code theta} (the name of θ's tensor, absent in timing-only runs), {@code crc32c} (8 hex
 * digits) and the driver's own scalars.
 */
public final class CheckpointFile {
    public static final String FORMAT = "diloco4j-checkpoint";
    public static final int VERSION = 2;
    /** Where θ is in both drivers' states: their {@code coordinator} component's {@code outer.theta}. */
    public static final String THETA = "coordinator.outer.theta";
    /** The magic numbers that began the version-1 files (Java serialization in an envelope). */
    private static final int OLD_SIM = 0x44344A53, OLD_COORDINATOR = 0x44344A43;

    public enum Kind {
        SIMULATION, COORDINATOR
    }

    /** What a checkpoint held: the state record and the driver's scalars. */
    public record Contents<T>(T state, Map<String, String> scalars) {
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .setDefaultTyping(new SealedTyping())
            .addModule(TensorTable.module())
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private CheckpointFile() {
    }

    /** Writes {@code state} (a record of plain values and arrays) and {@code scalars} (small values a reader wants without the state). */
    public static void write(OutputStream out, Kind kind, Object state, Map<String, String> scalars) throws IOException {
        TensorTable table = new TensorTable(TensorTable.none());
        byte[] json = JSON.writer().withAttribute(TensorTable.class, table).writeValueAsBytes(state);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", Integer.toString(VERSION));
        meta.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
        for (SafetensorsWriter.Tensor t : table.out) if (t.name().equals(THETA)) meta.put("theta", THETA);
        meta.put("crc32c", crc(table.out, json));
        scalars.forEach((k, v) -> {
            if (meta.putIfAbsent(k, v) != null) throw new IllegalArgumentException("checkpoint scalar '" + k + "' is a reserved key");
        });
        meta.put("state", new String(json, StandardCharsets.UTF_8));
        SafetensorsWriter.write(out, table.out, meta);
    }

    /** Reads a checkpoint of {@code kind} into {@code type}; {@code what} names the file in errors. */
    public static <T> Contents<T> read(byte[] bytes, String what, Kind kind, Class<T> type) throws CheckpointException {
        Checked c = check(bytes, what, kind);
        try {
            T t = JSON.readerFor(type).withAttribute(TensorTable.class, new TensorTable(c.file().tensors())).readValue(c.json());
            return new Contents<>(t, c.scalars());
        } catch (IOException | RuntimeException e) {
            String at = e instanceof com.fasterxml.jackson.databind.JsonMappingException j ? " at " + j.getPathReference() : "";
            throw new CheckpointException(what + " holds a state this build cannot read (" + firstLine(e) + at
                    + "): it cannot be resumed, start the run again");
        }
    }

    /** The driver's scalars of a checkpoint of {@code kind}, after its format, version and checksum are checked; the state is not read. */
    public static Map<String, String> scalars(byte[] bytes, String what, Kind kind) throws CheckpointException {
        return check(bytes, what, kind).scalars();
    }

    private record Checked(SafetensorsReader.Contents file, byte[] json, Map<String, String> scalars) {
    }

    private static Checked check(byte[] bytes, String what, Kind kind) throws CheckpointException {
        if (bytes.length >= 4) {
            int magic = ByteBuffer.wrap(bytes).getInt();
            if (magic == OLD_SIM || magic == OLD_COORDINATOR) {
                throw new CheckpointException(what + " was made by an older version of diloco4j and cannot be resumed: start the run again");
            }
        }
        SafetensorsReader.Contents c;
        try {
            c = SafetensorsReader.raw(bytes, what);
        } catch (IOException e) {
            throw new CheckpointException(e.getMessage());
        }
        Map<String, String> m = c.metadata();
        if (!FORMAT.equals(m.get("format"))) throw new CheckpointException(what + " is a safetensors file but not a diloco4j checkpoint");
        if (!Integer.toString(VERSION).equals(m.get("version"))) {
            throw new CheckpointException(what + " has checkpoint format version " + m.get("version") + "; this build reads version " + VERSION
                    + ": it cannot be resumed, start the run again");
        }
        String k = kind.name().toLowerCase(java.util.Locale.ROOT);
        if (!k.equals(m.get("kind"))) throw new CheckpointException(what + " is a " + m.get("kind") + " checkpoint, not a " + k + " one");
        String state = m.get("state");
        if (state == null || m.get("crc32c") == null) throw new CheckpointException(what + " lacks its state or checksum: it is damaged");
        byte[] json = state.getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(c.dataSection().duplicate());
        crc.update(json);
        if (!String.format("%08x", crc.getValue()).equals(m.get("crc32c"))) {
            throw new CheckpointException(what + ": checksum mismatch, the file is corrupted");
        }
        Map<String, String> scalars = new LinkedHashMap<>(m);
        for (String key : List.of("format", "version", "kind", "theta", "crc32c", "state")) scalars.remove(key);
        return new Checked(c, json, scalars);
    }

    /** CRC32C of the tensors' bytes as written, then of the state JSON. */
    private static String crc(List<SafetensorsWriter.Tensor> tensors, byte[] json) throws IOException {
        CRC32C crc = new CRC32C();
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                crc.update(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                crc.update(b, off, len);
            }
        };
        for (SafetensorsWriter.Tensor t : tensors) t.writeTo(sink);
        crc.update(json);
        return String.format("%08x", crc.getValue());
    }

    private static String firstLine(Throwable e) {
        String s = String.valueOf(e.getMessage());
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The bytes of a checkpoint, for drivers that hand checkpoints around in memory. */
    public static byte[] toBytes(Kind kind, Object state, Map<String, String> scalars) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(1 << 16);
        write(b, kind, state, scalars);
        return b.toByteArray();
    }
}
