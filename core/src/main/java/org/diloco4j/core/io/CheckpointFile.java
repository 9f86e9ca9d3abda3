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
 * the state as JSON with a format name, a version, the driver's kind and a CRC32C over the whole
 * file: every byte, the length field, the header with all its metadata and padding, and the tensor
 * data, with the checksum's own 8 hex digits read as {@code 00000000}. A file is checked before its
 * header is parsed, so a damaged one is refused whatever bit changed, the driver's scalars (the
 * coordinator's metrics mark, outer steps and clock) included. Any safetensors reader (numpy in a few lines, see scripts/read_checkpoint.py)
 * can open it; the JSON is written with Jackson from the state records, so no class of ours is
 * named in the file and none is instantiated except the records the reader asks for.
 *
 * <p>Metadata keys: {@code format} ({@value #FORMAT}), {@code version}, {@code kind}, {@code state}
 * (JSON), {@code theta} (the name of θ's tensor, absent in timing-only runs), {@code crc32c} (8 hex
 * digits) and the driver's own scalars.
 */
public final class CheckpointFile {
    public static final String FORMAT = "diloco4j-checkpoint";
    /** 3: the checksum covers the whole file (version 2 left the header, and so the driver's scalars, outside it). */
    public static final int VERSION = 3;
    /** Where θ is in both drivers' states: their {@code coordinator} component's {@code outer.theta}. */
    public static final String THETA = "coordinator.outer.theta";
    private static final String CRC = "crc32c";
    /** What the checksum's digits count as while the checksum is computed: a file cannot hold its own CRC. */
    private static final byte[] CRC_BLANK = "00000000".getBytes(StandardCharsets.US_ASCII);
    /** How the checksum's key and value begin in the compact header; the state JSON, a string value, has its quotes escaped. */
    private static final byte[] CRC_FIELD = ("\"" + CRC + "\":\"").getBytes(StandardCharsets.US_ASCII);
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
        meta.put(CRC, new String(CRC_BLANK, StandardCharsets.US_ASCII));
        scalars.forEach((k, v) -> {
            if (meta.putIfAbsent(k, v) != null) throw new IllegalArgumentException("checkpoint scalar '" + k + "' is a reserved key");
        });
        meta.put("state", new String(json, StandardCharsets.UTF_8));
        byte[] header = SafetensorsWriter.header(table.out, meta);
        int at = crcDigits(header, 0, header.length);
        if (at < 0) throw new IllegalStateException("the checkpoint header has no single checksum field");
        byte[] digits = crc(header, table.out).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(digits, 0, header, at, digits.length);
        SafetensorsWriter.write(out, header, table.out);
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
        // The checksum first, on the raw bytes: nothing of a damaged file is parsed, let alone believed.
        long n;
        try {
            n = SafetensorsReader.headerLength(bytes, what);
        } catch (IOException e) {
            throw new CheckpointException(e.getMessage());
        }
        int at = crcDigits(bytes, 8, 8 + (int) n);
        if (at < 0) throw new CheckpointException(damaged(bytes, what, "it lacks its checksum, it is damaged"));
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, at);
        crc.update(CRC_BLANK);
        crc.update(bytes, at + CRC_BLANK.length, bytes.length - at - CRC_BLANK.length);
        if (!String.format("%08x", crc.getValue()).equals(new String(bytes, at, CRC_BLANK.length, StandardCharsets.US_ASCII))) {
            throw new CheckpointException(damaged(bytes, what, "checksum mismatch, the file is corrupted"));
        }
        SafetensorsReader.Contents c;
        try {
            c = SafetensorsReader.raw(bytes, what);
        } catch (IOException e) {
            throw new CheckpointException(e.getMessage());
        }
        Map<String, String> m = c.metadata();
        if (!FORMAT.equals(m.get("format"))) throw new CheckpointException(notACheckpoint(what));
        if (!Integer.toString(VERSION).equals(m.get("version"))) throw new CheckpointException(otherVersion(what, m.get("version")));
        String k = kind.name().toLowerCase(java.util.Locale.ROOT);
        if (!k.equals(m.get("kind"))) throw new CheckpointException(what + " is a " + m.get("kind") + " checkpoint, not a " + k + " one");
        String state = m.get("state");
        if (state == null) throw new CheckpointException(what + " lacks its state: it is damaged");
        byte[] json = state.getBytes(StandardCharsets.UTF_8);
        Map<String, String> scalars = new LinkedHashMap<>(m);
        for (String key : List.of("format", "version", "kind", "theta", "crc32c", "state")) scalars.remove(key);
        return new Checked(c, json, scalars);
    }

    /** CRC32C of the file as it will be written: the length field, {@code header} (its checksum still blank), the tensors. */
    private static String crc(byte[] header, List<SafetensorsWriter.Tensor> tensors) throws IOException {
        CRC32C crc = new CRC32C();
        crc.update(SafetensorsWriter.lengthField(header));
        crc.update(header);
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
        return String.format("%08x", crc.getValue());
    }

    /**
     * Where the checksum's 8 digits start in {@code b[from, to)}, or -1 unless the field occurs there
     * exactly once, followed by 8 characters and a closing quote.
     */
    private static int crcDigits(byte[] b, int from, int to) {
        int found = -1;
        for (int i = from; i + CRC_FIELD.length + CRC_BLANK.length < to; i++) {
            if (!java.util.Arrays.equals(b, i, i + CRC_FIELD.length, CRC_FIELD, 0, CRC_FIELD.length)) continue;
            if (found >= 0 || b[i + CRC_FIELD.length + CRC_BLANK.length] != '"') return -1;
            found = i + CRC_FIELD.length;
        }
        return found;
    }

    /**
     * Why a file that fails its checksum is refused, in the words that help most: a file that is not
     * a checkpoint, or one of another format version (version 2 summed less of the file), fails it
     * too, and says so when its header can still be read.
     */
    private static String damaged(byte[] bytes, String what, String why) {
        Map<String, String> m;
        try {
            m = SafetensorsReader.raw(bytes, what).metadata();
        } catch (IOException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return what + ": " + why;   // a header too damaged to say more
        }
        if (!FORMAT.equals(m.get("format"))) return notACheckpoint(what);
        String version = m.get("version");
        if (version != null && !version.equals(Integer.toString(VERSION))) return otherVersion(what, version);
        return what + ": " + why;
    }

    private static String notACheckpoint(String what) {
        return what + " is a safetensors file but not a diloco4j checkpoint";
    }

    private static String otherVersion(String what, String version) {
        return what + " has checkpoint format version " + version + "; this build reads version " + VERSION
                + ": it cannot be resumed, start the run again";
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
