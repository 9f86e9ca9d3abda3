package org.diloco4j.net.coord;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import org.diloco4j.core.time.Clock;
import org.diloco4j.net.auth.Keyring;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.auth.TokenInterceptor;
import org.diloco4j.net.tls.GuardedCredentials;
import org.diloco4j.net.tls.PeerLog;
import org.diloco4j.net.tls.ServerTls;
import org.diloco4j.net.wire.Limits;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's gRPC server around a {@link CoordinatorRuntime}: token check on every call,
 * byte counting, a message size limit (one chunk plus headroom), a bounded pool of transport
 * threads, optional TLS, and a bounded shutdown.
 */
public final class CoordinatorServer implements AutoCloseable {
    /**
     * Where and how to listen.
     *
     * @param host    address to bind (e.g. {@code 0.0.0.0}, or {@code 127.0.0.1} for loopback only)
     * @param port    TCP port; 0 picks a free one
     * @param serverTls the certificate chain and private key, read and checked once, or null for plaintext
     */
    public record Listen(String host, int port, ServerTls serverTls) {
        public Listen {
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is not in [0, 65535]");
        }

        /**
         * Reads and checks the TLS files (both, or neither for plaintext) now: for callers that did not load them already.
         *
         * @param tlsCert PEM certificate chain, or null for plaintext
         * @param tlsKey  PEM private key (PKCS#8, or PKCS#1 RSA), with {@code tlsCert}
         */
        public Listen(String host, int port, Path tlsCert, Path tlsKey) {
            this(host, port, load(tlsCert, tlsKey));
        }

        private static ServerTls load(Path tlsCert, Path tlsKey) {
            if ((tlsCert == null) != (tlsKey == null)) throw new IllegalArgumentException("TLS needs both a certificate and a key");
            return tlsCert == null ? null : ServerTls.load(tlsCert, tlsKey, Instant.now());
        }

        public boolean tls() {
            return serverTls != null;
        }
    }

    /** Connections that speak the wrong protocol: one line per address this often, and this many lines in all. */
    private static final double STRAY_LOG_SECONDS = 60;
    private static final int STRAY_LOG_LINES = 20;

    private final Server server;
    private final ExecutorService executor;
    private final CoordinatorRuntime rt;
    private final DilocoService service;

    private CoordinatorServer(Server server, ExecutorService executor, CoordinatorRuntime rt, DilocoService service) {
        this.server = server;
        this.executor = executor;
        this.rt = rt;
        this.service = service;
    }

    /** Binds a Netty server for {@code rt}, admitting the holders of {@code token}. */
    public static CoordinatorServer start(CoordinatorRuntime rt, Token token, Listen listen) throws IOException {
        return start(rt, Keyring.shared(token), listen);
    }

    /**
     * Binds a Netty server for {@code rt}, admitting whom {@code keyring} knows.
     *
     * @throws IllegalArgumentException if the TLS certificate or key is unusable (one line: what and how to fix it)
     */
    public static CoordinatorServer start(CoordinatorRuntime rt, Keyring keyring, Listen listen) throws IOException {
        ServerCredentials inner = listen.tls()
                ? listen.serverTls().credentials()
                : InsecureServerCredentials.create();
        PeerLog strangers = strangers(rt);
        ServerCredentials creds = GuardedCredentials.wrap(inner, listen.tls(), strangers);
        NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(listen.host(), listen.port()), creds)
                .keepAliveTime(30, TimeUnit.SECONDS).keepAliveTimeout(10, TimeUnit.SECONDS)
                .permitKeepAliveTime(10, TimeUnit.SECONDS).permitKeepAliveWithoutCalls(true)
                .initialFlowControlWindow(4 << 20);
        return start(b, rt, keyring, strangers);
    }

    /** The one paced log of what strangers cause: stray bytes, failed handshakes, refused tokens. */
    private static PeerLog strangers(CoordinatorRuntime rt) {
        return new PeerLog(rt::log, Clock.SYSTEM, STRAY_LOG_SECONDS, STRAY_LOG_LINES);
    }

    /** Starts {@code builder} (Netty, or in-process in tests) with the service, checks and limits. */
    public static CoordinatorServer start(ServerBuilder<?> builder, CoordinatorRuntime rt, Token token) throws IOException {
        return start(builder, rt, Keyring.shared(token));
    }

    /** The same, admitting whom {@code keyring} knows; a revoked credential's sessions are evicted. */
    public static CoordinatorServer start(ServerBuilder<?> builder, CoordinatorRuntime rt, Keyring keyring) throws IOException {
        return start(builder, rt, keyring, strangers(rt));
    }

    private static CoordinatorServer start(ServerBuilder<?> builder, CoordinatorRuntime rt, Keyring keyring, PeerLog strangers) throws IOException {
        int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
        ExecutorService executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "diloco-grpc");
            t.setDaemon(true);
            return t;
        });
        keyring.onRevoked(rt::revoked);
        TokenInterceptor auth = new TokenInterceptor(keyring, strangers);
        DilocoService service = new DilocoService(rt, executor);
        service.sweepSpool();
        Server server = builder.addService(ServerInterceptors.intercept(service.definition(), auth))
                .addStreamTracerFactory(rt.wire().serverTracer())
                .maxInboundMessageSize(Limits.maxMessageBytes(rt.options().chunkBytes()))
                .executor(executor)
                .build()
                .start();
        return new CoordinatorServer(server, executor, rt, service);
    }

    public int port() {
        return server.getPort();
    }

    /** Stops accepting calls, lets running ones finish for a few seconds, then cuts them. */
    @Override
    public void close() {
        server.shutdown();
        rt.closeSessions();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
                server.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            executor.shutdownNow();
            service.closeSpool();
        }
    }
}
