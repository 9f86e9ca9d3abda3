package org.diloco4j.model.data.token;

import org.diloco4j.model.data.text.Document;
import org.diloco4j.model.data.text.DocumentTable;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * A tokenized corpus on disk. Layout (little-endian header, then tokens, then metadata):
 * <pre>
 *   0  "DILOCO4J" magic          8 bytes
 *   8  format version            int
 *  12  token width (1, 2, 4)     int
 *  16  token count               long
 *  24  metadata offset           long
 *  32  metadata length           long
 *  40  file length               long
 *  48  CRC32C of bytes [64, end) int
 *  52  reserved (0)              int x2
 *  60  CRC32C of bytes [0, 60)   int
 *  64  tokens: uint8 / uint16 / int32, padded to 8 bytes
 *      metadata: key, source, tokenizer, notes, groups, documents (DataOutputStream encoding)
 * </pre>
 * Opening validates everything (magic, version, both checksums, length, key), so a truncated,
 * corrupted or foreign file is reported as {@link Unusable} and rebuilt, never half-read.
 */
public final class TokenFile {
    static final int FORMAT_VERSION = 1;
    static final int HEADER = 64;
    private static final byte[] MAGIC = "DILOCO4J".getBytes(StandardCharsets.US_ASCII);

    /** Why a cache file cannot be used; the caller rebuilds it. */
    static final class Unusable extends Exception {
        Unusable(String reason) {
            super(reason);
        }
    }

    /** What a token file says about itself besides its tokens. */
    public record Meta(String key, String source, String groupKind, String tokenizer, int vocabSize, int endOfText,
                List<String> notes) {
    }

    record Opened(Meta meta, DocumentTable documents, TokenArray tokens) {
    }

    private TokenFile() {
    }

    static Opened open(Path path, String expectedKey) throws Unusable {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < HEADER) throw new Unusable("truncated: " + size + " bytes, the header alone needs " + HEADER);
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, h, 0);
            h.flip();
            byte[] magic = new byte[8];
            h.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new Unusable("not a diloco4j token file (bad magic)");
            CRC32C hc = new CRC32C();
            hc.update(h.array(), 0, 60);
            if ((int) hc.getValue() != h.getInt(60)) throw new Unusable("header checksum mismatch");
            int version = h.getInt(8);
            if (version != FORMAT_VERSION) {
                throw new Unusable("format version " + version + ", this build reads " + FORMAT_VERSION);
            }
            int width = h.getInt(12);
            long count = h.getLong(16);
            long metaOff = h.getLong(24);
            long metaLen = h.getLong(32);
            long fileLen = h.getLong(40);
            if (size != fileLen) throw new Unusable("truncated or extended: " + size + " bytes, header says " + fileLen);
            if (metaOff < HEADER + count * width || metaOff + metaLen != fileLen || metaLen > Integer.MAX_VALUE) {
                throw new Unusable("inconsistent section offsets");
            }
            if ((int) bodyCrc(ch, fileLen) != h.getInt(48)) throw new Unusable("content checksum mismatch");
            ByteBuffer mb = ByteBuffer.allocate((int) metaLen);
            readFully(ch, mb, metaOff);
            Opened o = readMeta(new DataInputStream(new ByteArrayInputStream(mb.array())),
                    new MappedTokens(ch, HEADER, count, width));
            if (!o.meta.key().equals(expectedKey)) throw new Unusable("built for another corpus or tokenizer");
            if (MappedTokens.widthFor(o.meta.vocabSize()) != width) throw new Unusable("token width " + width);
            return o;
        } catch (IOException e) {
            throw new Unusable("unreadable: " + e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer dst, long at) throws IOException, Unusable {
        while (dst.hasRemaining()) {
            if (ch.read(dst, at + dst.position()) < 0) throw new Unusable("truncated while reading at byte " + at);
        }
    }

    private static long bodyCrc(FileChannel ch, long fileLen) throws IOException {
        CRC32C crc = new CRC32C();
        long step = 1L << 30;
        for (long p = HEADER; p < fileLen; p += step) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, p, Math.min(step, fileLen - p));
            crc.update(m);
        }
        return crc.getValue();
    }

    private static Opened readMeta(DataInputStream in, TokenArray tokens) throws IOException, Unusable {
        Meta meta = new Meta(str(in), str(in), str(in), str(in), in.readInt(), in.readInt(), strings(in));
        List<String> groups = strings(in);
        int n = in.readInt();
        String[] ids = new String[n];
        int[] group = new int[n];
        long[] starts = new long[n];
        long[] lengths = new long[n];
        long[] bytes = new long[n];
        long expect = 0;
        for (int i = 0; i < n; i++) {
            ids[i] = str(in);
            group[i] = in.readInt();
            starts[i] = in.readLong();
            lengths[i] = in.readLong();
            bytes[i] = in.readLong();
            if (starts[i] != expect || lengths[i] < 1 || group[i] < 0 || group[i] >= groups.size()) {
                throw new Unusable("document table inconsistent at document " + i);
            }
            expect += lengths[i];
        }
        if (expect != tokens.size()) throw new Unusable("documents cover " + expect + " of " + tokens.size() + " tokens");
        return new Opened(meta, new DocumentTable(ids, group, starts, lengths, bytes, groups), tokens);
    }

    /** Streams documents' tokens into a new file; {@link #finish} writes metadata and header. */
    static final class Writer implements AutoCloseable {
        private final FileChannel ch;
        private final int width;
        private final int endOfText;
        private final ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private final CRC32C crc = new CRC32C();
        private final List<String> ids = new ArrayList<>();
        private final List<Integer> groups = new ArrayList<>();
        private final List<Long> lengths = new ArrayList<>();
        private final List<Long> bytes = new ArrayList<>();
        private final Map<String, Integer> groupIndex = new LinkedHashMap<>();
        private long position = HEADER;
        private long count;

        Writer(Path path, int vocabSize, int endOfText) throws IOException {
            this.ch = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.CREATE);
            this.width = MappedTokens.widthFor(vocabSize);
            this.endOfText = endOfText;
        }

        /** Appends one document: its tokens, then end-of-text. */
        void add(Document doc, int[] tokens, long textBytes) throws IOException {
            for (int t : tokens) put(t);
            put(endOfText);
            ids.add(doc.id());
            groups.add(groupIndex.computeIfAbsent(doc.group(), g -> groupIndex.size()));
            lengths.add(tokens.length + 1L);
            bytes.add(textBytes);
        }

        private void put(int t) throws IOException {
            if (buf.remaining() < 4) drain();
            switch (width) {
                case 1 -> buf.put((byte) t);
                case 2 -> buf.putShort((short) t);
                default -> buf.putInt(t);
            }
            count++;
        }

        private void drain() throws IOException {
            buf.flip();
            ByteBuffer view = buf.duplicate();
            crc.update(view);
            while (buf.hasRemaining()) position += ch.write(buf, position);
            buf.clear();
        }

        void finish(Meta meta) throws IOException {
            int pad = (int) ((8 - (count * width) % 8) % 8);
            if (buf.remaining() < pad) drain();
            for (int i = 0; i < pad; i++) buf.put((byte) 0);
            drain();
            long metaOff = position;
            ByteArrayOutputStream mo = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(mo);
            for (String s : List.of(meta.key(), meta.source(), meta.groupKind(), meta.tokenizer())) str(out, s);
            out.writeInt(meta.vocabSize());
            out.writeInt(meta.endOfText());
            strings(out, meta.notes());
            strings(out, List.copyOf(groupIndex.keySet()));
            out.writeInt(ids.size());
            long start = 0;
            for (int i = 0; i < ids.size(); i++) {
                str(out, ids.get(i));
                out.writeInt(groups.get(i));
                out.writeLong(start);
                out.writeLong(lengths.get(i));
                out.writeLong(bytes.get(i));
                start += lengths.get(i);
            }
            out.flush();
            ByteBuffer mb = ByteBuffer.wrap(mo.toByteArray());
            crc.update(mb.duplicate());
            while (mb.hasRemaining()) position += ch.write(mb, position);
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            h.put(MAGIC).putInt(FORMAT_VERSION).putInt(width).putLong(count).putLong(metaOff)
                    .putLong(mo.size()).putLong(position).putInt((int) crc.getValue()).putInt(0).putInt(0);
            CRC32C hc = new CRC32C();
            hc.update(h.array(), 0, 60);
            h.putInt(60, (int) hc.getValue());
            h.position(0);
            while (h.hasRemaining()) ch.write(h, h.position());
            ch.force(true);
        }

        long tokens() {
            return count;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    private static String str(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static List<String> strings(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(str(in));
        return out;
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void strings(DataOutputStream out, List<String> ss) throws IOException {
        out.writeInt(ss.size());
        for (String s : ss) str(out, s);
    }
}
