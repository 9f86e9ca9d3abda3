package org.diloco4j.net;

import org.diloco4j.core.coord.Method;
import org.diloco4j.net.coord.CoordinatorServer;
import org.diloco4j.net.worker.WorkerClient;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13, item 8: the two ends set up differently for TLS. The worker gives up at once (well
 * within its reconnect timeout) with a line naming the mismatch, and the coordinator logs one line;
 * a certificate that does not fit its key stops the coordinator before it listens.
 */
class TlsMismatchTest {
    /** Long enough that a worker still retrying when it returns has not recognised the mismatch. */
    private static final double RECONNECT_SECONDS = 8;

    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        Assumptions.assumeTrue(Certs.selfSigned(dir, "coord", "DNS:localhost,IP:127.0.0.1"), "openssl is needed to make test certificates");
        Assumptions.assumeTrue(Certs.selfSigned(dir, "other", "DNS:localhost,IP:127.0.0.1"));
        Assumptions.assumeTrue(Certs.selfSigned(dir, "elsewhere", "DNS:elsewhere.example"));
    }

    private static CoordinatorServer.Listen tls(String cert, String key) {
        return new CoordinatorServer.Listen("127.0.0.1", 0, dir.resolve(cert + "-cert.pem"), dir.resolve(key + "-key.pem"));
    }

    private static ToyCluster cluster(CoordinatorServer.Listen listen) throws Exception {
        return new ToyCluster(InProcessClusterTest.base(Method.DILOCO).minWorkers(1).build(), InProcessClusterTest.FAST, listen);
    }

    private static WorkerRuntime.Outcome join(ToyCluster c, boolean tls, Path ca) throws Exception {
        try (WorkerClient client = WorkerClient.connect("127.0.0.1:" + c.server.port(), ToyCluster.TOKEN, tls, ca);
             WorkerRuntime w = new WorkerRuntime(client, WorkerOptions.named("w").withReconnectTimeout(RECONNECT_SECONDS), ToyCluster.provider(),
                     c.workerLog::add)) {
            return w.run();
        }
    }

    /**
     * The coordinator's log lines containing {@code text}, once the first has come: the coordinator
     * may read what the worker sent after the worker has already seen the connection fail.
     */
    private static List<String> awaitLogged(ToyCluster c, String text) throws InterruptedException {
        return awaitLogged(c, l -> l.contains(text));
    }

    /**
     * The lines matching {@code match}, once one came: the runtime hands its lines to the event loop,
     * so those queued behind the first are in only after the loop has run everything before a query.
     */
    static List<String> awaitLogged(ToyCluster c, java.util.function.Predicate<String> match) throws InterruptedException {
        c.recorder.awaitLines(match, 10);
        c.runtime.query(x -> null);
        return c.recorder.awaitLines(match, 0);
    }

    @Test
    void aPlaintextWorkerAtATlsPortIsToldAtOnce() throws Exception {
        try (ToyCluster c = cluster(tls("coord", "coord"))) {
            WorkerRuntime.Outcome o = join(c, false, null);
            assertThat(o.exit()).as(o.reason()).isEqualTo(WorkerRuntime.Exit.MISCONFIGURED);
            assertThat(o.reason()).contains("speaks TLS").contains("--tls-ca");
            assertThat(awaitLogged(c, "spoke plaintext to this TLS port")).hasSize(1).allSatisfy(l -> assertThat(l).contains("--tls-ca"));
        }
    }

    @Test
    void aTlsWorkerAtAPlaintextPortIsToldAtOnce() throws Exception {
        try (ToyCluster c = cluster(new CoordinatorServer.Listen("127.0.0.1", 0, null, null))) {
            WorkerRuntime.Outcome o = join(c, true, dir.resolve("coord-cert.pem"));
            assertThat(o.exit()).as(o.reason()).isEqualTo(WorkerRuntime.Exit.MISCONFIGURED);
            assertThat(o.reason()).contains("speaks plaintext").contains("without --tls");
            assertThat(awaitLogged(c, "spoke TLS to this plaintext port")).hasSize(1);
        }
    }

    @Test
    void aWorkerTrustingAnotherCaSaysSoAndStops() throws Exception {
        try (ToyCluster c = cluster(tls("coord", "coord"))) {
            WorkerRuntime.Outcome o = join(c, true, dir.resolve("other-cert.pem"));
            assertThat(o.exit()).as(o.reason()).isEqualTo(WorkerRuntime.Exit.MISCONFIGURED);
            assertThat(o.reason()).contains("not signed by a CA this worker trusts").contains("other-cert.pem");
            assertThat(c.workerLog).noneMatch(l -> l.contains("retrying"));
            assertThat(awaitLogged(c, "TLS handshake")).hasSize(1).allSatisfy(l -> assertThat(l).contains("does not accept this certificate").contains("--tls-ca"));
        }
    }

    @Test
    void aCertificateForAnotherHostIsNamed() throws Exception {
        try (ToyCluster c = cluster(tls("elsewhere", "elsewhere"))) {
            WorkerRuntime.Outcome o = join(c, true, dir.resolve("elsewhere-cert.pem"));
            assertThat(o.exit()).as(o.reason()).isEqualTo(WorkerRuntime.Exit.MISCONFIGURED);
            assertThat(o.reason()).contains("does not name the host").contains("127.0.0.1");
        }
    }

    @Test
    void aRefusedConnectionIsStillRetriedUntilTheReconnectTimeout() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (WorkerClient client = WorkerClient.connect("127.0.0.1:" + port, ToyCluster.TOKEN, true, dir.resolve("coord-cert.pem"));
             WorkerRuntime w = new WorkerRuntime(client, WorkerOptions.named("w").withReconnectTimeout(1), ToyCluster.provider(), log::add)) {
            WorkerRuntime.Outcome o = w.run();
            assertThat(o.exit()).as(o.reason()).isEqualTo(WorkerRuntime.Exit.GAVE_UP);
            assertThat(log).anyMatch(l -> l.contains("retrying"));
        }
    }

    @Test
    void aKeyThatDoesNotFitTheCertificateStopsTheCoordinatorBeforeItListens() {
        assertThatThrownBy(() -> cluster(tls("coord", "other")).close())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong to the certificate")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
