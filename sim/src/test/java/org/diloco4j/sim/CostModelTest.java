package org.diloco4j.sim;

import org.diloco4j.core.run.RunResult;
import org.diloco4j.core.run.Segment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

/** The cost models and the timeline, by hand, without a coordinator. */
class CostModelTest {
    private static final DeviceProfile DEVICE = DeviceProfile.of(1);

    /** 100 B/s up, 200 B/s down, 0.5 s latency: one transfer at a time each way, none while partitioned. */
    @Test
    void aWorkersLinkQueuesTransfersAndWaitsOutPartitions() {
        WorkerSpec spec = new WorkerSpec("w0", DEVICE, new LinkProfile(100, 200, 0.5, 0), 0);
        WorkerLinks links = new WorkerLinks(List.of(spec));
        SimWorker w = new SimWorker(spec, 1, null);
        assertThat(links.uploadArrives(w, 100, 0)).isEqualTo(1.5);
        assertThat(links.uploadArrives(w, 100, 0.2)).as("queued behind the first until t = 1").isEqualTo(2.5);
        assertThat(links.downloadArrives(w, 200, 0.2)).as("the downlink is free").isCloseTo(1.7, within(1e-12));
        w.partitions.add(new double[] {3, 10});
        assertThat(links.downloadArrives(w, 200, 4)).isEqualTo(11.5);
        assertThat(links.noticeArrives(w, 4)).isEqualTo(4.5);
        assertThat(w.bytesUp).isEqualTo(200);
        assertThat(w.bytesDown).isEqualTo(400);
        assertThat(links.lost(w)).isFalse();
        assertThat(links.initialWorkers()).containsExactly(spec);
    }

    /** DDP: 4 devices behind one logical worker; its messages never travel, its devices share the all-reduces' bytes. */
    @Test
    void ddpIsOneLogicalWorkerWhoseDevicesShareTheAllReduces() {
        List<WorkerSpec> devices = List.of(
                new WorkerSpec("a", DEVICE, LinkProfile.gbps(1, 0), 0), new WorkerSpec("b", DEVICE, LinkProfile.gbps(1, 0), 1),
                new WorkerSpec("c", DEVICE, LinkProfile.gbps(1, 0), 2), new WorkerSpec("d", DEVICE, LinkProfile.gbps(1, 0), 3));
        SimState s = new SimState(null, new DdpGroup(devices, 1000, 7), 0);
        DdpCosts ddp = new DdpCosts(SimConfig.of(devices, 7), s, 1000);
        assertThat(ddp.initialWorkers()).extracting(WorkerSpec::name).containsExactly("ddp");
        SimWorker g = new SimWorker(ddp.initialWorkers().get(0), 1, null);
        s.workers.put("ddp", g);
        assertThat(ddp.uploadArrives(g, 1 << 20, 3)).isEqualTo(3);
        assertThat(ddp.downloadArrives(g, 1 << 20, 3)).isEqualTo(3);
        assertThat(ddp.noticeArrives(g, 3)).isEqualTo(3);
        assertThat(ddp.lost(g)).isFalse();
        assertThat(ddp.computeSeconds(g, 5, 0)).isGreaterThanOrEqualTo(5);
        g.tokens = 400;
        // 5 steps × (4−1)/4·4000 bytes each way per device.
        assertThat(ddp.stats(null)).extracting(RunResult.Worker::name, RunResult.Worker::bytesUp, RunResult.Worker::bytesDown, RunResult.Worker::tokens)
                .containsExactly(tuple("a", 15_000L, 15_000L, 100L),
                        tuple("b", 15_000L, 15_000L, 100L),
                        tuple("c", 15_000L, 15_000L, 100L),
                        tuple("d", 15_000L, 15_000L, 100L));
        assertThat(s.timeline).as("the group records one segment per kind and device").hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void theTimelineEndsAtTheStopAndLiveWorkersIdleUntilThen() {
        SimState s = new SimState(null, null, 0);
        Timeline t = new Timeline(s, true);
        SimWorker busy = worker(s, "busy");
        SimWorker waiting = worker(s, "waiting");
        t.account(busy, Segment.Kind.COMPUTE, 4);
        t.account(busy, Segment.Kind.COMMUNICATE, 5);
        t.account(busy, Segment.Kind.IDLE, 5);
        t.account(waiting, Segment.Kind.COMMUNICATE, 1);
        s.endTime = 4.5;
        List<RunResult.Worker> stats = t.finish();
        assertThat(stats.get(0).computeSeconds()).isEqualTo(4);
        assertThat(stats.get(0).communicateSeconds()).as("clipped at the stop").isEqualTo(0.5);
        assertThat(stats.get(1).communicateSeconds()).isEqualTo(1);
        assertThat(stats.get(1).idleSeconds()).isEqualTo(3.5);
        assertThat(s.timeline).allMatch(g -> g.end() <= 4.5);

        SimState d = new SimState(null, null, 0);
        SimWorker g = worker(d, "ddp");
        new Timeline(d, false).account(g, Segment.Kind.COMPUTE, 3);
        assertThat(d.timeline).as("DDP's group records its devices' segments itself").isEmpty();
        assertThat(g.accountedUntil).isEqualTo(3);
    }

    private static SimWorker worker(SimState s, String name) {
        SimWorker w = new SimWorker(new WorkerSpec(name, DEVICE, LinkProfile.infinite(), 0), 1, null);
        w.alive = true;
        s.workers.put(name, w);
        return w;
    }
}
