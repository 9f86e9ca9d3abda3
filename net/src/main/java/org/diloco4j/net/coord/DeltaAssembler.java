package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import org.diloco4j.net.proto.DeltaHeader;

import java.util.zip.CRC32C;

/**
 * Reassembles one pushed pseudo-gradient from its chunks into a buffer of exactly the declared
 * size (which the caller has bounded). Nothing leaves it unless every byte arrived and the
 * checksum matches, so a push that breaks off can never be applied in part.
 */
final class DeltaAssembler {
    private final DeltaHeader header;
    private final byte[] data;
    private final CRC32C crc = new CRC32C();
    private int filled;

    /** @param header a header whose size the caller has checked against the fragment's encoded size */
    DeltaAssembler(DeltaHeader header) {
        if (header.getSize() < 0 || header.getSize() > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("declared size " + header.getSize() + " cannot be buffered");
        }
        this.header = header;
        this.data = new byte[(int) header.getSize()];
    }

    DeltaHeader header() {
        return header;
    }

    /** Appends a chunk; returns why it is refused (more than declared), or null. */
    String add(ByteString chunk) {
        if (chunk.size() > data.length - filled) {
            return "pushed more than the declared " + data.length + " bytes (" + filled + " + " + chunk.size() + ")";
        }
        chunk.copyTo(data, filled);
        crc.update(data, filled, chunk.size());
        filled += chunk.size();
        return null;
    }

    /** Returns why the upload is incomplete or corrupt, or null if {@link #data} is the whole message. */
    String finish() {
        if (filled != data.length) return "upload ended after " + filled + " of the declared " + data.length + " bytes";
        if ((int) crc.getValue() != header.getCrc32C()) {
            return String.format("CRC32C of the received bytes is %08x, the header says %08x", (int) crc.getValue(), header.getCrc32C());
        }
        return null;
    }

    int received() {
        return filled;
    }

    byte[] data() {
        return data;
    }
}
