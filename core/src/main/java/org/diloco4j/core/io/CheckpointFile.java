package org.diloco4j.core.io;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The one checkpoint format of both drivers: a safetensors file whose tensors are the state's
 * arrays, raw little-endian ({@link TensorTable}), and whose {@code __metadata__} holds the rest of
 * the state as JSON with a format name, a version, the driver's kind and a CRC32C over the whole
 * file: every byte, the length field, the header with all its metadata and padding, and the tensor
 * data, with the checksum's own 8 hex digits read as {@code 00000000}.
 *
 * <p>Written as a stream: the header is made first from the tensors' shapes and dtypes, then every
 * tensor goes from its source (a Java array, or a trainer's native memory through
 * {@link TensorData}) to the file in 4 MiB chunks, summed on the way; the digits are written into the
 * header last. Read likewise: the header is parsed (as JSON only: nothing in it is believed yet),
 * then the whole file is summed in chunks, and only a file whose checksum matches has its state
 * read; its arrays are read chunk by chunk, with long offsets, so files over 2 GiB work. A damaged
 * file is refused whatever bit changed, the driver's scalars (the coordinator's metrics mark, outer
 * steps and clock) included. Any safetensors reader (numpy in a few lines, see
 * scripts/read_checkpoint.py) can open it; the JSON is written with Jackson from the state records,
 * so no class of ours is named in the file and none is instantiated except the records the reader
 * asks for.
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
    /** The magic numbers that began the version-1 files (Java serialization in an envelope). */
    private static final int OLD_SIM = 0x44344A53, OLD_COORDINATOR = 0x44344A43;
    private static final List<String> RESERVED = List.of("format", "version", "kind", "theta", ChecksumField.KEY, "state");

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

    /**
     * Writes {@code state} (a record of plain values, arrays and {@link TensorData}) and
     * {@code scalars} (small values a reader wants without the state) to {@code file}, atomically
     * ({@link AtomicFiles}); the tensors stream from their sources.
     */
    public static void write(Path file, Kind kind, Object state, Map<String, String> scalars) throws IOException {
        write(file, kind, state, scalars, CheckpointIo.configured());
    }

    /** {@link #write}, with the file opened by {@code io} (direct I/O where the filesystem allows). */
    static void write(Path file, Kind kind, Object state, Map<String, String> scalars, CheckpointIo io) throws IOException {
        Layout l = layout(kind, state, scalars);
        AtomicFiles.write(file, io::create, ch -> {
            ByteBuffer digits = ByteBuffer.wrap(l.stream(ch));
            // A positioned write may write fewer bytes than asked: go on until all are written.
            for (long at = 8 + l.crc().at(); digits.hasRemaining(); ) at += ch.write(digits, at);
        });
    }

    /** The bytes of a checkpoint, for drivers that hand checkpoints around in memory (so under 2 GiB). */
    public static byte[] toBytes(Kind kind, Object state, Map<String, String> scalars) throws IOException {
        Layout l = layout(kind, state, scalars);
        ByteArrayOutputStream b = new ByteArrayOutputStream(1 << 16);
        byte[] digits = l.stream(Channels.newChannel(b));
        byte[] bytes = b.toByteArray();
        System.arraycopy(digits, 0, bytes, 8 + l.crc().at(), digits.length);
        return bytes;
    }

    /** A checkpoint ready to be written: its header (checksum blank), where the checksum goes, and its tensors. */
    record Layout(byte[] header, ChecksumField crc, List<SafetensorsWriter.Tensor> tensors) {
        /** Writes the file with its checksum blank and returns the checksum's digits. */
        byte[] stream(WritableByteChannel ch) throws IOException {
            CRC32C sum = new CRC32C();
            SafetensorsWriter.stream(ch, header, tensors, sum);
            return hex(sum).getBytes(StandardCharsets.US_ASCII);
        }
    }

    static Layout layout(Kind kind, Object state, Map<String, String> scalars) throws IOException {
        TensorTable table = new TensorTable(TensorTable.none());
        byte[] json = JSON.writer().withAttribute(TensorTable.class, table).writeValueAsBytes(state);
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", Integer.toString(VERSION));
        meta.put("kind", name(kind));
        for (SafetensorsWriter.Tensor t : table.out) if (t.name().equals(THETA)) meta.put("theta", THETA);
        meta.put(ChecksumField.KEY, new String(ChecksumField.BLANK, StandardCharsets.US_ASCII));
        scalars.forEach((k, v) -> {
            if (meta.putIfAbsent(k, v) != null) throw new IllegalArgumentException("checkpoint scalar '" + k + "' is a reserved key");
        });
        meta.put("state", new String(json, StandardCharsets.UTF_8));
        List<SafetensorsWriter.Tensor> tensors = List.copyOf(table.out);
        // Jackson's serializer cache keeps the configuration a serializer was first built with, attributes
        // and all, for good: the table it holds must not keep this state's arrays (12 GB at 1B parameters).
        table.out.clear();
        byte[] header = SafetensorsWriter.header(tensors, meta);
        ChecksumField crc = ChecksumField.locate(header, header.length);
        if (crc == null) throw new IllegalStateException("the checkpoint header has no single checksum field");
        return new Layout(header, crc, tensors);
    }

    /**
     * Opens a checkpoint of {@code kind} and checks it (format, version, kind, the checksum over the
     * whole file) before anything in it is used; {@code what} names it in errors. Close it once the
     * state's {@link TensorData} are restored: they are read from the file.
     */
    public static Reader open(Path file, String what, Kind kind) throws IOException {
        return open(file, what, kind, CheckpointIo.configured());
    }

    /** {@link #open}, with the file opened by {@code io} (direct I/O where the filesystem allows). */
    static Reader open(Path file, String what, Kind kind, CheckpointIo io) throws IOException {
        ByteSource.Open ch = io.open(file);
        try {
            return new Reader(check(ch, what, kind), ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Reads a checkpoint of {@code kind} held in memory into {@code type}; {@code what} names it in errors. */
    public static <T> Contents<T> read(byte[] bytes, String what, Kind kind, Class<T> type) throws CheckpointException {
        Checked c = check(ByteSource.of(bytes), what, kind);
        return new Contents<>(c.state(type, org.diloco4j.core.params.Fp32Vector.ONE_ARRAY_SHIFT), c.scalars());
    }

    /** The driver's scalars of a checkpoint of {@code kind}, after its format, version and checksum are checked; the state is not read. */
    public static Map<String, String> scalars(byte[] bytes, String what, Kind kind) throws CheckpointException {
        return check(ByteSource.of(bytes), what, kind).scalars();
    }

    /** An open, checked checkpoint file. */
    public static final class Reader implements AutoCloseable {
        private final Checked checked;
        private final ByteSource.Open ch;

        private Reader(Checked checked, ByteSource.Open ch) {
            this.checked = checked;
            this.ch = ch;
        }

        /** The driver's scalars. */
        public Map<String, String> scalars() {
            return checked.scalars();
        }

        /** How many values tensor {@code name} holds (e.g. {@link #THETA}), or -1 if the file has none of that name; read before the state. */
        public long numel(String name) {
            TensorData t = checked.tensors().get(name);
            return t == null ? -1 : t.numel();
        }

        /** The state as {@code type}: its arrays read, its {@link TensorData} still in the file (valid until {@link #close}). */
        public <T> T state(Class<T> type) throws CheckpointException {
            return checked.state(type, org.diloco4j.core.params.Fp32Vector.ONE_ARRAY_SHIFT);
        }

        /**
         * {@link #state(Class)}, its {@link org.diloco4j.core.params.Fp32Vector}s (θ, the outer
         * optimizers' buffers) read straight into chunks of 2^{@code shift} values: for a driver that
         * holds θ in chunks, which would otherwise read each as one array and copy it.
         */
        public <T> T state(Class<T> type, int shift) throws CheckpointException {
            return checked.state(type, shift);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /** A checkpoint whose checksum, format, version and kind were found good. */
    record Checked(String what, Map<String, TensorData> tensors, byte[] json, Map<String, String> scalars) {
        <T> T state(Class<T> type) throws CheckpointException {
            return state(type, org.diloco4j.core.params.Fp32Vector.ONE_ARRAY_SHIFT);
        }

        <T> T state(Class<T> type, int shift) throws CheckpointException {
            try {
                return JSON.readerFor(type).withAttribute(TensorTable.class, new TensorTable(tensors, shift)).readValue(json);
            } catch (IOException | RuntimeException e) {
                String at = e instanceof com.fasterxml.jackson.databind.JsonMappingException j ? " at " + j.getPathReference() : "";
                throw new CheckpointException(what + " holds a state this build cannot read (" + firstLine(e) + at
                        + "): it cannot be resumed, start the run again");
            }
        }
    }

    static Checked check(ByteSource src, String what, Kind kind) throws CheckpointException {
        SafetensorsReader.Layout l;
        try {
            if (src.size() >= 4) {
                int magic = src.bytes(0, 4).order(java.nio.ByteOrder.BIG_ENDIAN).getInt();
                if (magic == OLD_SIM || magic == OLD_COORDINATOR) {
                    throw new CheckpointException(what + " was made by an older version of diloco4j and cannot be resumed: start the run again");
                }
            }
            // The header is parsed as JSON to find the checksum and the tensors' places; nothing in it is believed before the sum matches.
            l = SafetensorsReader.layout(src, what);
        } catch (CheckpointException e) {
            throw e;
        } catch (IOException e) {
            throw new CheckpointException(firstLine(e));
        }
        byte[] header = l.header().array();
        int n = (int) l.headerLength();
        ChecksumField crc = ChecksumField.locate(header, n);
        if (crc == null) throw new CheckpointException(damaged(l, what, "it lacks its checksum, it is damaged"));
        String sum;
        // The coordinator's state is all heap arrays: read them in the checksum's pass (ReadAhead), not in a second one.
        Map<String, TensorData> read = new LinkedHashMap<>();
        try {
            sum = sum(src, l, crc, kind == Kind.COORDINATOR ? read : null);
        } catch (IOException e) {
            throw new CheckpointException(what + ": " + firstLine(e) + " while checking it: it is truncated or damaged");
        }
        if (!sum.equals(crc.digits())) throw new CheckpointException(damaged(l, what, "checksum mismatch, the file is corrupted"));
        Map<String, String> m = l.metadata();
        if (!FORMAT.equals(m.get("format"))) throw new CheckpointException(notACheckpoint(what));
        if (!Integer.toString(VERSION).equals(m.get("version"))) throw new CheckpointException(otherVersion(what, m.get("version")));
        String k = name(kind);
        if (!k.equals(m.get("kind"))) throw new CheckpointException(what + " is a " + m.get("kind") + " checkpoint, not a " + k + " one");
        String state = m.get("state");
        if (state == null) throw new CheckpointException(what + " lacks its state: it is damaged");
        Map<String, String> scalars = new LinkedHashMap<>(m);
        RESERVED.forEach(scalars::remove);
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (SafetensorsReader.Entry e : l.entries()) {
            TensorData t = read.get(e.name());
            tensors.put(e.name(), t != null ? t : l.stored(src, e));
        }
        return new Checked(what, tensors, state.getBytes(StandardCharsets.UTF_8), scalars);
    }

    /**
     * CRC32C of the whole of {@code src} with the checksum's digits blank, read in chunks; with
     * {@code read}, the tensors that are arrays are read into it on the way ({@link ReadAhead}).
     */
    private static String sum(ByteSource src, SafetensorsReader.Layout l, ChecksumField crc, Map<String, TensorData> read) throws IOException {
        CRC32C sum = new CRC32C();
        byte[] header = l.header().array().clone();
        System.arraycopy(ChecksumField.BLANK, 0, header, crc.at(), ChecksumField.BLANK.length);
        sum.update(SafetensorsWriter.lengthField(header.length));
        sum.update(header);
        if (read != null) ReadAhead.sumAndRead(src, l, sum, read);
        else ReadAhead.sum(src, sum, ByteBuffer.allocateDirect(Chunks.SIZE), l.dataStart(), src.size());
        return hex(sum);
    }

    private static String hex(CRC32C sum) {
        return String.format("%08x", sum.getValue());
    }

    private static String name(Kind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Why a file that fails its checksum is refused, in the words that help most: a file that is not
     * a checkpoint, or one of another format version (version 2 summed less of the file), fails it
     * too, and says so.
     */
    private static String damaged(SafetensorsReader.Layout l, String what, String why) {
        Map<String, String> m = l.metadata();
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
}
