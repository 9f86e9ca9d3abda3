package org.diloco4j.net.worker;

import org.diloco4j.net.FakeClock;
import org.diloco4j.core.run.Segment.Kind;
import org.diloco4j.net.metrics.WorkerMetrics;
import org.diloco4j.net.proto.Segment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

class AccountingTest {
    @Test
    void segmentsAreStampedInTheCoordinatorsClockAndAddUpToTheTotals() {
        FakeClock clock = new FakeClock();
        Accounting a = new Accounting(WorkerMetrics.NONE, clock);
        clock.advance(5);
        a.align(100);
        a.to(Kind.COMPUTE);
        clock.advance(0.030);
        a.to(Kind.COMMUNICATE);
        clock.advance(0.010);
        a.to(Kind.IDLE);
        // Shorter than a millisecond: counted, not drawn.
        clock.advance(0.0005);
        a.to(Kind.COMPUTE);
        List<Segment> s = a.drain(10);
        // The idle five seconds before the alignment are stamped in the coordinator's clock too.
        assertThat(s).extracting(Segment::getKind).containsExactly("idle", "compute", "communicate");
        assertThat(s.get(0).getStart()).isEqualTo(95.0, offset(1e-9));
        assertThat(s.get(1).getStart()).isEqualTo(100.0, offset(1e-9));
        assertThat(s.get(1).getEnd()).isEqualTo(100.030, offset(1e-9));
        assertThat(s.get(2).getStart()).isEqualTo(s.get(1).getEnd());
        assertThat(s.get(2).getEnd()).isEqualTo(100.040, offset(1e-9));
        clock.advance(0.25);
        // The running activity counts towards its total.
        assertThat(a.stats().getComputeSeconds()).isEqualTo(0.280, offset(1e-9));
        assertThat(a.stats().getCommunicateSeconds()).isEqualTo(0.010, offset(1e-9));
        assertThat(a.stats().getIdleSeconds()).isEqualTo(5.0005, offset(1e-9));
        assertThat(a.drain(10)).isEmpty();
        a.putBack(s);
        assertThat(a.drain(2)).containsExactly(s.get(0), s.get(1));
    }
}
