package org.diloco4j.net.tls;

import io.grpc.ServerCredentials;
import io.grpc.internal.ObjectPool;
import io.grpc.netty.shaded.io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.InternalProtocolNegotiator;
import io.grpc.netty.shaded.io.netty.channel.ChannelHandler;
import io.grpc.netty.shaded.io.netty.util.AsciiString;

import java.util.concurrent.Executor;

/**
 * Server credentials that put an {@link OpeningCheck} in front of gRPC's own negotiation (TLS or
 * plaintext). gRPC offers no public hook into a server connection's pipeline; its
 * {@code Internal*} negotiator API is the one ALTS and xDS use for the same purpose.
 */
public final class GuardedCredentials {
    private GuardedCredentials() {
    }

    /** {@code inner} (TLS or insecure credentials), with the first bytes of every connection checked. */
    public static ServerCredentials wrap(ServerCredentials inner, boolean tls, PeerLog log) {
        InternalProtocolNegotiator.ServerFactory factory = InternalNettyServerCredentials.toNegotiator(inner);
        return InternalNettyServerCredentials.create(new InternalProtocolNegotiator.ServerFactory() {
            @Override
            public InternalProtocolNegotiator.ProtocolNegotiator newNegotiator(ObjectPool<? extends Executor> pool) {
                return new Negotiator(factory.newNegotiator(pool), tls, log);
            }
        });
    }

    private record Negotiator(InternalProtocolNegotiator.ProtocolNegotiator inner, boolean tls, PeerLog log)
            implements InternalProtocolNegotiator.ProtocolNegotiator {
        @Override
        public AsciiString scheme() {
            return inner.scheme();
        }

        @Override
        public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpc) {
            return new OpeningCheck(tls, inner.newHandler(grpc), log);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
