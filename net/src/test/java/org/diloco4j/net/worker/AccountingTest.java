package org.diloco4j.net.worker;

import org.diloco4j.core.run.Segment.Kind;
import org.diloco4j.net.proto.Segment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AccountingTest {
    @Test
    void segmentsAreStampedInTheCoordinatorsClockAndAddUpToTheTotals() throws Exception {
        Accounting a = new Accounting();
        a.align(100);
        a.to(Kind.COMPUTE);
        Thread.sleep(30);
        a.to(Kind.COMMUNICATE);
        Thread.sleep(10);
        a.to(Kind.IDLE);
        List<Segment> s = a.drain(10);
        assertThat(s).extracting(Segment::getKind).containsExactly("compute", "communicate");
        assertThat(s.get(0).getStart()).isBetween(100.0, 100.1);
        assertThat(s.get(0).getEnd() - s.get(0).getStart()).isGreaterThanOrEqualTo(0.029);
        assertThat(s.get(1).getStart()).isEqualTo(s.get(0).getEnd());
        assertThat(a.stats().getComputeSeconds()).isEqualTo(s.get(0).getEnd() - s.get(0).getStart(), org.assertj.core.data.Offset.offset(1e-9));
        assertThat(a.drain(10)).isEmpty();
        a.putBack(s);
        assertThat(a.drain(1)).containsExactly(s.get(0));
    }
}
