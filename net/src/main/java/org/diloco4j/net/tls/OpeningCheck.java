package org.diloco4j.net.tls;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandlerContext;
import io.grpc.netty.shaded.io.netty.channel.ChannelInboundHandlerAdapter;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslHandler;
import io.grpc.netty.shaded.io.netty.util.ReferenceCountUtil;


/**
 * First in a connection's pipeline: looks at the first bytes the client sends before gRPC does.
 * What the port expects (a TLS ClientHello, or the HTTP/2 preface) is handed on, and this handler
 * steps aside; anything else is logged as one rate-limited line naming the likely mistake, told so
 * in the port's own protocol ({@link Farewell}) and closed — instead of gRPC's stack trace per connection, or silence for a plaintext
 * worker on a TLS port.
 */
final class OpeningCheck extends ChannelInboundHandlerAdapter {
    private final boolean tls;
    private final ChannelHandler next;
    private final PeerLog log;
    private ByteBuf head = Unpooled.EMPTY_BUFFER;

    /** @param next the gRPC negotiation handler, put right after this one */
    OpeningCheck(boolean tls, ChannelHandler next, PeerLog log) {
        this.tls = tls;
        this.next = next;
        this.log = log;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addAfter(ctx.name(), null, next);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        head = head.isReadable() ? Unpooled.wrappedBuffer(head, in) : in;
        int n = Math.min(head.readableBytes(), Opening.PREFACE.length);
        byte[] bytes = new byte[n];
        head.getBytes(head.readerIndex(), bytes);
        Opening o = Opening.of(bytes, n);
        // A plaintext port waits for the whole preface; on a TLS port a first byte that is not 0x16 says enough.
        if (n == 0 || (o == Opening.UNKNOWN && !tls)) return;
        if (tls ? o == Opening.TLS : o == Opening.HTTP2) {
            ByteBuf all = head;
            head = Unpooled.EMPTY_BUFFER;
            ChannelHandlerContext ssl = tls ? ctx.pipeline().context(SslHandler.class) : null;
            if (ssl != null) ctx.pipeline().addAfter(ssl.name(), null, new HandshakeWatch(log, PeerLog.host(ctx.channel().remoteAddress())));
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(all);
            return;
        }
        String mistake = mistake(o);
        log.log(PeerLog.host(ctx.channel().remoteAddress()), o.toString(), "a connection from " + ctx.channel().remoteAddress() + " " + mistake);
        release();
        // Closed from here, past gRPC's handler: closing the channel would wait for its graceful HTTP/2 shutdown.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(tls ? Farewell.tlsAlert() : Farewell.goAway(mistake))).addListener(f -> ctx.close());
    }

    private String mistake(Opening o) {
        return switch (o) {
            case HTTP2, UNKNOWN -> "spoke plaintext to this TLS port: start the worker with --tls-ca PEM (or --tls), or this coordinator without --tls-cert";
            case TLS -> "spoke TLS to this plaintext port: start the worker without --tls/--tls-ca, or this coordinator with --tls-cert and --tls-key";
            case OTHER -> "sent bytes that are not " + (tls ? "TLS" : "gRPC (HTTP/2)") + "; closed it";
        };
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void release() {
        if (head.refCnt() > 0 && head != Unpooled.EMPTY_BUFFER) ReferenceCountUtil.safeRelease(head);
        head = Unpooled.EMPTY_BUFFER;
    }
}
