package org.diloco4j.net.tls;

import java.nio.charset.StandardCharsets;

/** What the first bytes a client sends say about it. */
enum Opening {
    /** A TLS record of type handshake (0x16): a ClientHello. */
    TLS,
    /** The plaintext HTTP/2 connection preface: a gRPC client without TLS. */
    HTTP2,
    /** Too few bytes to tell yet. */
    UNKNOWN,
    /** Neither: a port scanner, an HTTP/1 request, noise. */
    OTHER;

    /** What every plaintext HTTP/2 connection begins with (RFC 9113, section 3.4). */
    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int TLS_HANDSHAKE = 0x16;

    /** Classifies the first {@code n} bytes of {@code head} (a prefix of the preface so far is {@link #UNKNOWN}). */
    static Opening of(byte[] head, int n) {
        if (n == 0) return UNKNOWN;
        if ((head[0] & 0xff) == TLS_HANDSHAKE) return TLS;
        int k = Math.min(n, PREFACE.length);
        for (int i = 0; i < k; i++) if (head[i] != PREFACE[i]) return OTHER;
        return k == PREFACE.length ? HTTP2 : UNKNOWN;
    }
}
