package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.Segment;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.WorkerStats;
import org.diloco4j.net.wire.RunDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ChecksTest {
    static final SessionRef SESSION = SessionRef.newBuilder().setMember(1).setKey(ByteString.copyFrom(new byte[16])).build();

    static JoinRequest.Builder join() {
        return JoinRequest.newBuilder().setName("tokyo-1").setShard(-1).setInstance("abc-123").setProtocol(org.diloco4j.net.wire.Limits.PROTOCOL);
    }

    @Test
    void joinRequests() {
        assertThat(Checks.join(join().build())).isNull();
        assertThat(Checks.join(join().setName("x".repeat(65)).build())).contains("65 characters");
        assertThat(Checks.join(join().setName("a b").build())).contains("holds ' '");
        assertThat(Checks.join(join().setShard(-2).build())).contains("shard -2");
        assertThat(Checks.join(join().setInstance("").build())).contains("instance id");
        assertThat(Checks.join(join().setThreads(5000).build())).contains("threads 5000");
    }

    @Test
    void pushHeadersAreBoundedByTheFragmentsEncodedSize() {
        RunDefinition run = RunDefinition.of("", CoordinatorConfig.builder().upCodec("fp32").build(), FragmentPlan.whole(100), 4096);
        long size = run.deltaBytes(0);
        DeltaHeader ok = DeltaHeader.newBuilder().setPushId(1).setFragment(0).setSize(size).setCodec("fp32").build();
        assertThat(Checks.header(ok, run)).isNull();
        assertThat(Checks.header(ok.toBuilder().setSize(size - 4).build(), run)).as("smaller: the coordinator names it").isNull();
        assertThat(Checks.header(ok.toBuilder().setSize(size + 1).build(), run)).contains("declared size " + (size + 1));
        assertThat(Checks.header(ok.toBuilder().setFragment(1).build(), run)).contains("fragment 1 does not exist");
        assertThat(Checks.header(ok.toBuilder().setPushId(0).build(), run)).contains("push id 0");
        assertThat(Checks.header(ok.toBuilder().setCodec("").build(), run)).contains("codec");
        // A withheld pseudo-gradient carries a reason and no bytes.
        assertThat(Checks.header(ok.toBuilder().setSize(0).setWithheld("diverged").build(), run)).isNull();
        assertThat(Checks.header(ok.toBuilder().setWithheld("diverged").build(), run)).contains("a withheld pseudo-gradient declares " + size + " bytes");
        assertThat(Checks.header(ok.toBuilder().setSize(0).setWithheld("x".repeat(1001)).build(), run)).contains("withheld reason of 1001 characters");
        // The optimizer's figures are optional (older workers send none), but when sent, finite and >= 0.
        assertThat(Checks.header(ok.toBuilder().setInnerLr(4e-4).setGradNorm(0.8).build(), run)).isNull();
        assertThat(Checks.header(ok.toBuilder().setInnerLr(-1).build(), run)).contains("inner learning rate -1.0");
        assertThat(Checks.header(ok.toBuilder().setGradNorm(Double.NaN).build(), run)).contains("gradient norm NaN");
        assertThat(Checks.header(ok.toBuilder().setGradNorm(Double.POSITIVE_INFINITY).build(), run)).contains("gradient norm Infinity");
    }

    @Test
    void heartbeatsCarryPlausibleAccounting() {
        HeartbeatRequest.Builder ok = HeartbeatRequest.newBuilder().setSession(SESSION)
                .setStats(WorkerStats.newBuilder().setComputeSeconds(1).setSteps(3))
                .addSegments(Segment.newBuilder().setKind("compute").setStart(1).setEnd(2));
        assertThat(Checks.heartbeat(ok.build(), 10)).isNull();
        assertThat(Checks.heartbeat(ok.clone().setStats(WorkerStats.newBuilder().setIdleSeconds(Double.NaN)).build(), 10)).contains("seconds NaN");
        assertThat(Checks.heartbeat(ok.clone().setStats(WorkerStats.newBuilder().setSteps(-1)).build(), 10)).contains("negative");
        assertThat(Checks.heartbeat(ok.clone().addSegments(Segment.newBuilder().setKind("nap").setEnd(1)).build(), 10)).contains("kind 'nap'");
        // The wire word is core's Segment.Kind label, exactly: every kind passes, an enum constant's name does not.
        for (org.diloco4j.core.run.Segment.Kind k : org.diloco4j.core.run.Segment.Kind.values()) {
            assertThat(Checks.heartbeat(ok.clone().addSegments(Segment.newBuilder().setKind(k.label()).setEnd(1)).build(), 10)).isNull();
        }
        assertThat(Checks.heartbeat(ok.clone().addSegments(Segment.newBuilder().setKind("COMPUTE").setEnd(1)).build(), 10))
                .contains("kind 'COMPUTE'; expected one of [compute, communicate, idle]");
        assertThat(Checks.heartbeat(ok.clone().addSegments(Segment.newBuilder().setKind("idle").setStart(3).setEnd(2)).build(), 10))
                .contains("not an interval");
        assertThat(Checks.heartbeat(ok.clone().setSession(SESSION.toBuilder().setKey(ByteString.EMPTY)).build(), 10))
                .contains("session key of 0 bytes");
    }
}
