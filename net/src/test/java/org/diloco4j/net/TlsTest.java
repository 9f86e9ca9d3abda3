package org.diloco4j.net;

import org.diloco4j.core.coord.Method;
import org.diloco4j.net.coord.CoordinatorServer;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Training over TLS with a self-signed certificate the workers trust; plaintext clients get nowhere. */
class TlsTest {
    @Test
    void workersTrainOverTls(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Certs.selfSigned(dir, "localhost", "DNS:localhost,IP:127.0.0.1"), "openssl is needed to make a test certificate");
        CoordinatorServer.Listen tls = new CoordinatorServer.Listen("127.0.0.1", 0, dir.resolve("localhost-cert.pem"), dir.resolve("localhost-key.pem"));
        // The files are read once, when checked: the server listens with what was read, not with a second reading.
        java.nio.file.Files.delete(dir.resolve("localhost-key.pem"));
        try (ToyCluster c = new ToyCluster(InProcessClusterTest.base(Method.DILOCO).minWorkers(2).tokenBudget(2 * 16 * 10 * 3).build(),
                InProcessClusterTest.FAST, tls)) {
            c.startWorker(WorkerOptions.named("a"));
            c.startWorker(WorkerOptions.named("b"));
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            assertThat(t.outerSteps()).isEqualTo(3);

            try (RawPlaintext p = new RawPlaintext(c.server.port())) {
                WorkerRuntime.Outcome o = p.tryJoin();
                assertThat(o.exit()).as(o.reason()).isEqualTo(WorkerRuntime.Exit.MISCONFIGURED);
            }
            c.joinWorkers(10);
            assertThat(c.outcomes).allSatisfy((k, v) -> assertThat(v.exit()).isEqualTo(WorkerRuntime.Exit.STOPPED));
        }
    }

    /** A worker that does not speak TLS. */
    private static final class RawPlaintext implements AutoCloseable {
        final org.diloco4j.net.worker.WorkerClient client;

        RawPlaintext(int port) {
            client = org.diloco4j.net.worker.WorkerClient.over(
                    io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext(), ToyCluster.TOKEN);
        }

        WorkerRuntime.Outcome tryJoin() {
            return new WorkerRuntime(client, WorkerOptions.named("plain").withReconnectTimeout(0.5), ToyCluster.provider(), l -> { }).run();
        }

        @Override
        public void close() {
            client.abort();
        }
    }
}
