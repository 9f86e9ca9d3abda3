package org.diloco4j.net;

import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.coord.Method;
import org.diloco4j.net.auth.Credentials;
import org.diloco4j.net.auth.Identity;
import org.diloco4j.net.auth.Keyring;
import org.diloco4j.net.auth.LiveCredentials;
import org.diloco4j.net.auth.SecretFiles;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.coord.AdmissionLimits;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.coord.RuntimeOptions;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.Refusal;
import org.diloco4j.net.worker.WorkerOptions;
import org.diloco4j.net.worker.WorkerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.net.InProcessClusterTest.waitFor;

/**
 * Who gets into a run (issue 13, item 5 and the join flood): per-worker credentials admit their
 * holder under the credential's name, refuse unknown tokens, and a revocation evicts the live
 * worker at once, without a restart; admission is capped in members and per address, and the
 * totals count the workers that contributed.
 */
class AccessControlTest {
    static final Token TOKYO = Token.random();
    static final Token OSAKA = Token.random();
    static final int BATCH = 16;

    final List<String> authLog = new CopyOnWriteArrayList<>();

    LiveCredentials credentials(Path file) throws Exception {
        SecretFiles.write(file, Credentials.empty().with("tokyo", TOKYO).with("osaka", OSAKA).render());
        return LiveCredentials.open(file, authLog::add);
    }

    static CoordinatorConfig.Builder two(Method m, int outerSteps) {
        return CoordinatorConfig.builder().method(m).innerSteps(10).minWorkers(2).shards(DataShards.own(1000, 1000))
                .tokenBudget(2L * BATCH * 10 * outerSteps);
    }

    @Test
    void eachWorkerIsAdmittedWithItsOwnTokenUnderItsCredentialsNameAndAnUnknownTokenIsRefused(@TempDir Path dir) throws Exception {
        try (ToyCluster c = new ToyCluster(two(Method.DILOCO, 4).build(), InProcessClusterTest.FAST, credentials(dir.resolve("credentials")))) {
            // tokyo's token asking to be osaka is admitted as tokyo: a name is bound to its credential.
            c.startWorker(WorkerOptions.named("osaka"), c.client(TOKYO), ToyCluster.provider());
            c.startWorker(WorkerOptions.named("someone"), c.client(OSAKA), ToyCluster.provider());
            c.startWorker(WorkerOptions.named("stranger"), c.client(Token.random()), ToyCluster.provider());
            RunTotals t = c.await(30);
            assertThat(t.finished()).isTrue();
            assertThat(t.workers()).extracting(w -> w.name()).containsExactlyInAnyOrder("tokyo", "osaka");
            assertThat(t.contributingWorkers()).isEqualTo(2);
            c.joinWorkers(10);
            assertThat(c.outcomes.get("stranger").exit()).isEqualTo(WorkerRuntime.Exit.REFUSED);
            assertThat(c.outcomes.get("stranger").reason()).contains("unknown token");
            assertThat(c.recorder.log).anyMatch(l -> l.startsWith("admitted tokyo#") && l.contains("credential tokyo"));
        }
    }

    @Test
    void revokingACredentialEvictsItsLiveWorkerAtOnceAndTheRunGoesOn(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("credentials");
        LiveCredentials keyring = credentials(file);
        // A session timeout far beyond the test: the eviction cannot be a worker declared lost.
        RuntimeOptions opts = InProcessClusterTest.FAST.withHeartbeat(0.1, 600);
        try (ToyCluster c = new ToyCluster(two(Method.ASYNC, 60).build(), opts, keyring)) {
            c.startWorker(WorkerOptions.named("tokyo").withStepDelay(1), c.client(TOKYO), ToyCluster.provider());
            c.startWorker(WorkerOptions.named("osaka").withStepDelay(1), c.client(OSAKA), ToyCluster.provider());
            waitFor(() -> c.outerSteps() >= 4, 30);
            // Nobody calls refresh(): tokyo's own next call sees the changed file, is refused, and its session is ended.
            SecretFiles.write(file, keyring.current().without("tokyo").render());
            waitFor(() -> c.outcomes.containsKey("tokyo"), 10);
            WorkerRuntime.Outcome o = c.outcomes.get("tokyo");
            assertThat(o.exit()).isEqualTo(WorkerRuntime.Exit.REFUSED);
            assertThat(o.reason()).contains("credential 'tokyo' was revoked");
            assertThat(c.recorder.log).anyMatch(l -> l.startsWith("evicted tokyo#") && l.contains("credential 'tokyo' was revoked"));
            assertThat(authLog).anyMatch(l -> l.contains("revoked tokyo"));
            RunTotals t = c.await(60);
            assertThat(t.finished()).as("osaka trains on to the budget").isTrue();
            assertThat(c.outcomes.get("osaka").exit()).isNotEqualTo(WorkerRuntime.Exit.REFUSED);
        }
    }

    /**
     * 200 joins from one address against a run of two: none past the member cap is admitted, and
     * the synchronous rounds go on without waiting for members that never train (the session
     * timeout is far beyond the test, so one such member would stall a round past it).
     */
    @Test
    void aFloodOfJoinsIsRefusedFullPastTheMemberCapAndDoesNotStallRounds() throws Exception {
        RuntimeOptions opts = InProcessClusterTest.FAST.withHeartbeat(0.1, 600).withAdmission(new AdmissionLimits(2, 1000, 1000));
        try (ToyCluster c = new ToyCluster(two(Method.DILOCO, 100).build(), opts, false, null)) {
            // 100 rounds of at least 50 ms each: the run outlasts the flood.
            c.startWorker(WorkerOptions.named("w0").withStepDelay(5));
            c.startWorker(WorkerOptions.named("w1").withStepDelay(5));
            waitFor(() -> c.members() == 2, 10);
            List<JoinReply> replies = flood(c, 200);
            assertThat(replies).allSatisfy(r -> {
                assertThat(r.getAdmitted()).isFalse();
                assertThat(r.getRefusal()).isEqualTo(Refusal.REFUSAL_FULL);
                assertThat(r.getReason()).contains("maximum of 2 workers");
            });
            long after = c.outerSteps();
            waitFor(() -> c.outerSteps() >= after + 5, 20);
            RunTotals t = c.await(60);
            assertThat(t.finished()).isTrue();
            assertThat(t.outerSteps()).isEqualTo(100);
            assertThat(t.workers()).hasSize(2);
            assertThat(t.contributingWorkers()).isEqualTo(2);
            assertThat(c.recorder.log).anyMatch(l -> l.startsWith("refused a join (200 so far)"));
        }
    }

    /**
     * With the default burst, one address gets its burst of joins (max(10, 2 × workers)) and is then
     * refused FULL. The refill is set to next to nothing, so no join can be refilled while the test
     * runs, however slowly: exactly the burst gets in (the refill itself is JoinRateTest's, on a fake clock).
     */
    @Test
    void joinsFromOneAddressAreRateLimited() throws Exception {
        RuntimeOptions opts = InProcessClusterTest.FAST.withAdmission(new AdmissionLimits(0, 0, 1e-9));
        try (ToyCluster c = new ToyCluster(two(Method.ASYNC, 1000).build(), opts, false, null)) {
            List<JoinReply> replies = flood(c, 200);
            long admitted = replies.stream().filter(JoinReply::getAdmitted).count();
            assertThat(admitted).isEqualTo(10);
            assertThat(replies.stream().filter(r -> !r.getAdmitted())).allSatisfy(r -> {
                assertThat(r.getRefusal()).isEqualTo(Refusal.REFUSAL_FULL);
                assertThat(r.getReason()).contains("too many joins from");
            });
        }
    }

    /**
     * Workers behind one address (a NAT) with their own credentials each have their own join allowance:
     * tokyo using up its burst does not refuse osaka, who calls from the same address.
     */
    @Test
    void twoCredentialsFromOneAddressHaveTheirOwnJoinAllowance(@TempDir Path dir) throws Exception {
        RuntimeOptions opts = InProcessClusterTest.FAST.withAdmission(new AdmissionLimits(0, 3, 1e-9));
        try (ToyCluster c = new ToyCluster(two(Method.ASYNC, 1000).build(), opts, credentials(dir.resolve("credentials")))) {
            List<JoinReply> tokyo = flood(c, TOKYO, 5);
            assertThat(tokyo).extracting(JoinReply::getAdmitted).containsExactly(true, true, true, false, false);
            assertThat(tokyo.get(3).getReason()).contains("too many joins from credential 'tokyo'");
            JoinReply osaka = flood(c, OSAKA, 1).get(0);
            assertThat(osaka.getAdmitted()).as("%s", osaka.getReason()).isTrue();
            assertThat(osaka.getName()).startsWith("osaka");
        }
    }

    /**
     * A credential revoked after the interceptor let its join in, but before the event loop admits it,
     * is refused at the admission: otherwise the eviction of the credential's sessions (which may
     * already have run) would miss the session this join opens. The keyring here says yes to the
     * interceptor and no to every later question, and counts one revocation from the first look on:
     * the revocation falls exactly between check and use.
     */
    @Test
    void aJoinWhoseCredentialIsRevokedBetweenCheckAndUseIsRefused() throws Exception {
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        Keyring revokedAfterTheFirstLook = new Keyring() {
            @Override
            public Identity identify(String presented) {
                return asked.getAndIncrement() == 0 && TOKYO.matches(presented)
                        ? new Identity.Named("tokyo") : new Identity.Refused("credential 'tokyo' was revoked");
            }

            @Override
            public long revocations() {
                return asked.get() > 0 ? 1 : 0;
            }
        };
        try (ToyCluster c = new ToyCluster(two(Method.ASYNC, 1000).build(), InProcessClusterTest.FAST, revokedAfterTheFirstLook)) {
            JoinReply r = flood(c, TOKYO, 1).get(0);
            assertThat(r.getAdmitted()).isFalse();
            assertThat(r.getRefusal()).isEqualTo(Refusal.REFUSAL_NOT_A_MEMBER);
            assertThat(r.getReason()).contains("credential 'tokyo' was revoked");
            assertThat(c.members()).isZero();
        }
    }

    /**
     * With nothing revoked since a join's token check, its admission on the event loop does not ask
     * the keyring again (with {@code --credentials} that is a stat of the file, per join, on the loop):
     * it compares the revocation count.
     */
    @Test
    void anAdmissionAsksTheKeyringAgainOnlyAfterARevocation() throws Exception {
        List<String> askedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        Keyring recording = presented -> {
            askedOn.add(Thread.currentThread().getName());
            return TOKYO.matches(presented) ? new Identity.Named("tokyo") : new Identity.Refused("unknown token");
        };
        try (ToyCluster c = new ToyCluster(two(Method.ASYNC, 1000).build(), InProcessClusterTest.FAST, recording)) {
            JoinReply r = flood(c, TOKYO, 1).get(0);
            assertThat(r.getAdmitted()).as("%s", r.getReason()).isTrue();
            assertThat(askedOn).as("threads the keyring was asked on").isNotEmpty().doesNotContain("diloco-coordinator");
        }
    }

    /** Refused tokens go through the one paced log of strangers: a caller retrying a bad token is one line per window, not one per call. */
    @Test
    void refusedTokensAreLoggedOncePerAddressAndWindow() throws Exception {
        try (ToyCluster c = new ToyCluster(two(Method.ASYNC, 1000).build(), InProcessClusterTest.FAST, false, null)) {
            Token wrong = Token.random();
            for (int i = 0; i < 50; i++) {
                try {
                    flood(c, wrong, 1);
                } catch (io.grpc.StatusRuntimeException e) {
                    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAUTHENTICATED);
                }
            }
            c.runtime.query(x -> null); // the lines go through the event loop: all of them are in once it has run
            assertThat(c.recorder.log).filteredOn(l -> l.startsWith("refused a call")).singleElement()
                    .satisfies(l -> assertThat(l).contains("wrong token"));
        }
    }

    /** {@code n} joins, each over its own connection from the same (in-process) address; the connections stay open until the test ends. */
    List<JoinReply> flood(ToyCluster c, int n) {
        return flood(c, ToyCluster.TOKEN, n);
    }

    List<JoinReply> flood(ToyCluster c, Token token, int n) {
        List<JoinReply> replies = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawClient r = new RawClient(c.name, token);
            raw.add(r);
            replies.add(r.join("flood", -1));
        }
        return replies;
    }

    final List<RawClient> raw = new ArrayList<>();

    @AfterEach
    void closeRawClients() {
        raw.forEach(RawClient::close);
    }
}
