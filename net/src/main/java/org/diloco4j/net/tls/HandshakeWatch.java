package org.diloco4j.net.tls;

import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandshakeCompletionEvent;

/**
 * Right after the TLS handler of one connection, until its handshake is over: a failed handshake
 * is one rate-limited line (gRPC logs it only at FINE), saying what the client's alert most likely
 * means — a worker that does not trust this certificate says so only in its alert.
 */
final class HandshakeWatch extends ChannelInboundHandlerAdapter {
    private final PeerLog log;
    private final String host;

    HandshakeWatch(PeerLog log, String host) {
        this.log = log;
        this.host = host;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (!e.isSuccess()) log.log(host, "handshake", "a TLS handshake with " + ctx.channel().remoteAddress() + " failed: " + explain(e.cause()));
            ctx.pipeline().remove(this);
        }
        ctx.fireUserEventTriggered(evt);
    }

    static String explain(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            String lower = m.toLowerCase(java.util.Locale.ROOT);
            // A client that rejects the certificate ends the handshake with an alert: certificate_unknown from the JDK's TLS,
            // internal_error from BoringSSL (gRPC's default) when the JDK trust manager behind it said no.
            if (lower.contains("certificate_unknown") || lower.contains("unknown_ca") || lower.contains("bad_certificate")
                    || lower.contains("alert_internal_error")) {
                return "the client's alert " + m.substring(m.lastIndexOf(':') + 1).strip() + " most likely means it does not accept this"
                        + " certificate: give the worker --tls-ca with the CA that signed it (or this certificate, if self-signed), and have it"
                        + " --join a host name the certificate lists";
            }
            if (t.getClass().getSimpleName().equals("NotSslRecordException") || m.contains("Unsupported or unrecognized SSL message")) {
                return "it sent bytes that are not TLS; closed it";
            }
        }
        Throwable root = cause;
        while (root != null && root.getCause() != null) root = root.getCause();
        return root == null ? "no reason given" : root.getClass().getSimpleName() + ": " + String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    }
}
