package org.diloco4j.core.optim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Binary form of an {@link OptimizerState}, for checkpoints. Little-endian throughout:
 * <pre>
 *   header:     magic "D4OS" · u16 version (1) · str kind
 *               · u32 #counters · (str name · i64 value)*
 *               · u32 #buffers  · (str name · u32 #floats)*
 *   u32 CRC32 of the header
 *   data:       each buffer's floats (f32) in header order
 *   u32 CRC32 of every byte before it
 *   (str = u16 byte length · UTF-8)
 * </pre>
 * Names are written in sorted order, so equal states give equal bytes. The header has its own
 * checksum so that a corrupted length is caught before anything is allocated for it; the trailing
 * checksum covers the data. Streams are read and written in 64 KiB chunks, so states larger than
 * one byte array (DN on a large model holds two full-length buffers) pass through.
 */
public final class OptimizerStateFormat {
    static final byte[] MAGIC = {'D', '4', 'O', 'S'};
    static final int VERSION = 1;
    private static final int MAX_NAME_BYTES = 1024;
    private static final int MAX_ENTRIES = 4096;
    private static final int CHUNK = 1 << 16;

    private OptimizerStateFormat() {
    }

    public static byte[] toBytes(OptimizerState state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            write(state, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads a state that must occupy all of {@code bytes}. */
    public static OptimizerState fromBytes(byte[] bytes) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        OptimizerState s;
        try {
            s = read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (in.available() > 0) {
            throw new StateFormatException(in.available() + " unexpected bytes after the end of the optimizer state");
        }
        return s;
    }

    public static void write(OptimizerState state, OutputStream out) throws IOException {
        Map<String, Long> counters = new TreeMap<>(state.counters());
        Map<String, float[]> buffers = new TreeMap<>(state.buffers());
        ByteArrayOutputStream hdr = new ByteArrayOutputStream();
        hdr.write(MAGIC);
        writeU16(hdr, VERSION);
        writeString(hdr, state.kind());
        writeU32(hdr, counters.size());
        for (var e : counters.entrySet()) {
            writeString(hdr, e.getKey());
            hdr.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(e.getValue()).array());
        }
        writeU32(hdr, buffers.size());
        for (var e : buffers.entrySet()) {
            writeString(hdr, e.getKey());
            writeU32(hdr, e.getValue().length);
        }
        byte[] header = hdr.toByteArray();
        CRC32 all = new CRC32();
        CRC32 headerCrc = new CRC32();
        headerCrc.update(header);
        out.write(header);
        all.update(header);
        byte[] hc = u32((int) headerCrc.getValue());
        out.write(hc);
        all.update(hc);

        ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] b : buffers.values()) {
            int off = 0;
            while (off < b.length) {
                int n = Math.min(CHUNK / 4, b.length - off);
                chunk.clear();
                chunk.asFloatBuffer().put(b, off, n);
                out.write(chunk.array(), 0, n * 4);
                all.update(chunk.array(), 0, n * 4);
                off += n;
            }
        }
        out.write(u32((int) all.getValue()));
    }

    /** Reads one state from {@code in}, consuming exactly its bytes. */
    public static OptimizerState read(InputStream in) throws IOException {
        Input r = new Input(in);
        byte[] magic = r.bytes(4, "magic");
        if (!Arrays.equals(magic, MAGIC)) {
            throw new StateFormatException("not an optimizer state: magic bytes " + hex(magic) + ", expected " + hex(MAGIC));
        }
        int version = r.u16("version");
        if (version != VERSION) {
            throw new StateFormatException("optimizer state format version " + version + " is not supported (this build reads " + VERSION + ")");
        }
        String kind = r.string("kind");
        int nc = r.count("number of counters");
        Map<String, Long> counters = new LinkedHashMap<>();
        for (int i = 0; i < nc; i++) {
            String name = r.string("counter name");
            long v = ByteBuffer.wrap(r.bytes(8, "counter " + name)).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (counters.put(name, v) != null) throw new StateFormatException("counter '" + name + "' appears twice");
        }
        int nb = r.count("number of buffers");
        Map<String, Integer> lengths = new LinkedHashMap<>();
        for (int i = 0; i < nb; i++) {
            String name = r.string("buffer name");
            int len = r.u32("length of buffer " + name);
            if (len < 0 || len > Integer.MAX_VALUE - 8) throw new StateFormatException("buffer '" + name + "' has invalid length " + Integer.toUnsignedString(len));
            if (lengths.put(name, len) != null) throw new StateFormatException("buffer '" + name + "' appears twice");
        }
        long headerCrc = r.crc.getValue();
        int storedHeaderCrc = r.u32("header checksum");
        if (storedHeaderCrc != (int) headerCrc) {
            throw new StateFormatException("optimizer state header is corrupted: checksum " + Integer.toHexString(storedHeaderCrc)
                    + " stored, " + Long.toHexString(headerCrc) + " computed");
        }
        Map<String, float[]> buffers = new LinkedHashMap<>();
        for (var e : lengths.entrySet()) {
            float[] b = new float[e.getValue()];
            r.floats(b, "buffer " + e.getKey());
            buffers.put(e.getKey(), b);
        }
        long crc = r.crc.getValue();
        int stored = r.u32("checksum");
        if (stored != (int) crc) {
            throw new StateFormatException("optimizer state data is corrupted: checksum " + Integer.toHexString(stored)
                    + " stored, " + Long.toHexString(crc) + " computed");
        }
        return new OptimizerState(kind, counters, buffers);
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_NAME_BYTES) throw new IllegalArgumentException("name longer than " + MAX_NAME_BYTES + " bytes: " + s);
        writeU16(out, b.length);
        out.writeBytes(b);
    }

    private static void writeU16(ByteArrayOutputStream out, int v) {
        out.write(v & 0xff);
        out.write((v >>> 8) & 0xff);
    }

    private static void writeU32(ByteArrayOutputStream out, int v) {
        out.writeBytes(u32(v));
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) s.append(String.format("%02x", x));
        return s.toString();
    }

    /** Reads with a running CRC and byte offset, and names what it was reading when input ends early. */
    private static final class Input {
        final InputStream in;
        final CRC32 crc = new CRC32();
        long offset;
        final byte[] chunk = new byte[CHUNK];

        Input(InputStream in) {
            this.in = in;
        }

        byte[] bytes(int n, String what) throws IOException {
            byte[] b = new byte[n];
            fill(b, n, what);
            return b;
        }

        private void fill(byte[] b, int n, String what) throws IOException {
            int got = in.readNBytes(b, 0, n);
            if (got < n) {
                throw new StateFormatException("optimizer state is truncated: input ended at byte " + (offset + got)
                        + " while reading " + what + " (" + (n - got) + " more bytes needed)");
            }
            crc.update(b, 0, n);
            offset += n;
        }

        int u16(String what) throws IOException {
            byte[] b = bytes(2, what);
            return (b[0] & 0xff) | (b[1] & 0xff) << 8;
        }

        int u32(String what) throws IOException {
            return ByteBuffer.wrap(bytes(4, what)).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }

        int count(String what) throws IOException {
            int n = u32(what);
            if (n < 0 || n > MAX_ENTRIES) throw new StateFormatException(what + " is " + Integer.toUnsignedString(n) + ", at most " + MAX_ENTRIES + " allowed");
            return n;
        }

        String string(String what) throws IOException {
            int n = u16(what);
            if (n > MAX_NAME_BYTES) throw new StateFormatException(what + " is " + n + " bytes long, at most " + MAX_NAME_BYTES + " allowed");
            return new String(bytes(n, what), StandardCharsets.UTF_8);
        }

        void floats(float[] dst, String what) throws IOException {
            ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
            int off = 0;
            while (off < dst.length) {
                int n = Math.min(CHUNK / 4, dst.length - off);
                fill(chunk, n * 4, what);
                view.clear();
                view.asFloatBuffer().get(dst, off, n);
                off += n;
            }
        }
    }
}
