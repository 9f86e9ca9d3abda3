package org.diloco4j.sim;

import org.diloco4j.core.codec.Codecs;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ScaleTableTest {
    final List<ScaleSize> sizes = ScaleSize.issue14();

    /**
     * A 10B model is more than an array holds, and its timing-only run simulates it as itself.
     * Synchronous DiLoCo comes out at the closed form for the model: H·s of compute against its
     * bytes up and down plus two latencies.
     */
    @Test
    void beyondAnArrayTheSimulationTakesTheModelsTransferTime() {
        ScaleSize tenB = sizes.get(2);
        assertThat(tenB.model().params()).isGreaterThan(Integer.MAX_VALUE);
        ScaleTable.Wire wire = new ScaleTable.Wire("int8", "bf16");
        double gbps = 0.05;
        double u = ScaleTable.on(tenB, Accelerator.H100).utilization(ScaleTable.sync(wire, 100), gbps);

        double compute = 100 * tenB.secondsPerStep(Accelerator.H100);
        long up = Codecs.parse("int8").encodedSize(tenB.model().params());
        long down = Codecs.parse("bf16").encodedSize(tenB.model().params());
        double transfer = (up + down) * 8 / (gbps * 1e9) + 2 * ScaleTable.LATENCY;
        assertThat(u).isCloseTo(compute / (compute + transfer), within(0.002));
        assertThat(u).as("the link is slow enough to matter").isLessThan(0.9);
    }

    /** Each worker has the fewest devices (a power of two) whose memory holds 16 bytes per parameter. */
    @Test
    void aWorkerHasJustEnoughDevicesForTheTrainingState() {
        for (ScaleSize s : sizes) {
            for (Accelerator a : Accelerator.values()) {
                int g = s.devicesPerWorker(a);
                double need = s.model().trainingStateBytes();
                assertThat(g * a.memoryGb() * 1e9).as("%s on %s", s.label(), a).isGreaterThanOrEqualTo(need);
                if (g > 1) assertThat(g / 2 * a.memoryGb() * 1e9).as("%s on %s", s.label(), a).isLessThan(need);
            }
        }
        assertThat(sizes.get(3).devicesPerWorker(Accelerator.H100)).as("70B: 1.12 TB on 80 GB devices").isEqualTo(16);
    }

    /**
     * 64 workers share one coordinator NIC slower than their links together. The NIC carries one
     * transfer at a time in the order they were sent, so the first round costs the whole queue,
     * 64·(|δ| / C + |θ| / C); after it the workers that got θ first push first, and their
     * pseudo-gradients come in while later workers' θ is still going out: a round costs about
     * 64·|θ| / C. Utilization lies between those two; splitting the coordinator over k processes
     * (k times the NIC) raises it until each worker's own link is the limit.
     */
    @Test
    void aSharedCoordinatorNicQueuesTheWorkersAndMoreProcessesRelieveIt() {
        ScaleSize s = sizes.get(3);
        int workers = 64;
        UtilizationTable t = ScaleTable.on(s, Accelerator.H100, workers);
        UtilizationTable.Setup sync = ScaleTable.sync(new ScaleTable.Wire("int8", "bf16"), 100);
        double link = 10;
        double nic = 25;

        double compute = 100 * s.secondsPerStep(Accelerator.H100);
        long up = Codecs.parse("int8").encodedSize(s.model().params());
        long down = Codecs.parse("bf16").encodedSize(s.model().params());
        double wholeQueue = workers * (up + down) * 8 / (nic * 1e9) + 2 * ScaleTable.LATENCY;
        double thetaQueue = workers * down * 8 / (nic * 1e9);
        double one = t.utilization(sync, link, nic);
        assertThat(one).isGreaterThan(compute / (compute + wholeQueue) + 0.01).isLessThan(compute / (compute + thetaQueue));

        double previous = 0;
        for (int k : new int[] {1, 2, 4, 8}) {
            double u = t.utilization(sync, link, k * nic);
            assertThat(u).as("k = %d", k).isGreaterThan(previous);
            previous = u;
        }
        assertThat(t.utilization(sync, link, workers * link)).isCloseTo(t.utilization(sync, link), within(1e-9));
    }
}
