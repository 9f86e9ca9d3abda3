package org.diloco4j.net.tls;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What the coordinator sends a client that spoke the wrong protocol before closing, so that the
 * client's error says what happened rather than "Network closed for unknown reason": a TLS alert
 * on the TLS port (a plaintext gRPC client reports "First received frame was not SETTINGS" with
 * its bytes, 15 03 03 — a TLS record), and on the plaintext port an HTTP/2 GOAWAY carrying the
 * explanation (which a TLS client reports as "not an SSL/TLS record").
 */
public final class Farewell {
    /** The first bytes of a TLS alert record, as a plaintext HTTP/2 client's error shows them. */
    public static final String TLS_ALERT_HEX = "1503030002";

    private Farewell() {
    }

    /** A fatal TLS alert, handshake_failure (RFC 8446, section 6). */
    static byte[] tlsAlert() {
        return new byte[] {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};
    }

    /** An empty SETTINGS frame (the server's preface) and a GOAWAY(PROTOCOL_ERROR) with {@code why} as its debug data. */
    static byte[] goAway(String why) {
        byte[] debug = why.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frame(out, 0x4, new byte[0]);
        byte[] payload = new byte[8 + debug.length];
        payload[7] = 0x1;
        System.arraycopy(debug, 0, payload, 8, debug.length);
        frame(out, 0x7, payload);
        return out.toByteArray();
    }

    /** An HTTP/2 frame on stream 0: 24-bit length, type, no flags. */
    private static void frame(ByteArrayOutputStream out, int type, byte[] payload) {
        int n = payload.length;
        out.writeBytes(new byte[] {(byte) (n >>> 16), (byte) (n >>> 8), (byte) n, (byte) type, 0, 0, 0, 0, 0});
        out.writeBytes(payload);
    }
}
