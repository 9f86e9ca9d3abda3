package org.diloco4j.net;

import org.diloco4j.core.coord.Method;
import org.diloco4j.net.coord.CoordinatorServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 13, item 9: anyone can send bytes to the coordinator's port, token or not. Noise costs one
 * short line per sender per minute in the coordinator's log — no stack traces from gRPC or Netty
 * (java.util.logging records are captured to check).
 */
class StrayBytesTest {
    private static final int CONNECTIONS = 5;

    private final Logger root = Logger.getLogger("");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLoggerName() != null && r.getLoggerName().startsWith("io.grpc")) records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        capture.setLevel(Level.INFO);
        root.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        root.removeHandler(capture);
    }

    @Test
    void noiseOnThePlaintextPortIsOneLine() throws Exception {
        check(new CoordinatorServer.Listen("127.0.0.1", 0, null, null), "sent bytes that are not gRPC");
    }

    @Test
    void noiseOnTheTlsPortIsOneLine(@TempDir Path dir) throws Exception {
        assumeTrue(Certs.selfSigned(dir, "coord", "IP:127.0.0.1"), "openssl is needed to make a test certificate");
        check(new CoordinatorServer.Listen("127.0.0.1", 0, dir.resolve("coord-cert.pem"), dir.resolve("coord-key.pem")), "sent bytes that are not TLS");
    }

    @Test
    void noiseThatLooksLikeTlsOnTheTlsPortIsOneLine(@TempDir Path dir) throws Exception {
        assumeTrue(Certs.selfSigned(dir, "coord", "IP:127.0.0.1"), "openssl is needed to make a test certificate");
        check(new CoordinatorServer.Listen("127.0.0.1", 0, dir.resolve("coord-cert.pem"), dir.resolve("coord-key.pem")), (byte) 0x16,
                "bytes that are not TLS");
    }

    private void check(CoordinatorServer.Listen listen, String expected) throws Exception {
        check(listen, (byte) 0x7f, expected);
    }

    /** @param first the first byte sent: 0x7f is neither a TLS record (0x16) nor the start of the HTTP/2 preface ('P') */
    private void check(CoordinatorServer.Listen listen, byte first, String expected) throws Exception {
        try (ToyCluster c = new ToyCluster(InProcessClusterTest.base(Method.DILOCO).build(), InProcessClusterTest.FAST, listen)) {
            Random random = new Random(13);
            for (int i = 0; i < CONNECTIONS; i++) {
                byte[] noise = new byte[256];
                random.nextBytes(noise);
                noise[0] = first;
                sendAndWaitForClose(c.server.port(), noise);
            }
            assertThat(records).as("gRPC/Netty log records").allSatisfy(r -> assertThat(r.getThrown()).as(r.getMessage()).isNull()).isEmpty();
            // A TLS handshake may be found failed after the connection closed: wait for the line, woken as lines come.
            List<String> lines = TlsMismatchTest.awaitLogged(c, l -> l.contains("127.0.0.1"));
            assertThat(lines).hasSize(1);
            assertThat(lines.getFirst()).contains(expected).doesNotContain("\n");
        }
    }

    private static void sendAndWaitForClose(int port, byte[] bytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // Drain whatever the server answers until it closes the connection.
            }
        } catch (java.net.SocketException e) {
            // Reset by the server: closed as well.
        }
    }
}
