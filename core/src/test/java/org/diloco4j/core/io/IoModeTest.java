package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * The property chooses buffered I/O; unset or misspelt, checkpoints go direct (a typo does not fail
 * them, and is warned about in one line). It is read once per process, not per checkpoint.
 */
class IoModeTest {
    @Test
    void theValueChoosesTheModeAndOnlyAMisspeltOneWarns() {
        List<String> warnings = new ArrayList<>();
        assertThat(IoMode.parse(null, warnings::add)).isEqualTo(IoMode.DIRECT);
        assertThat(IoMode.parse(" ", warnings::add)).isEqualTo(IoMode.DIRECT);
        assertThat(IoMode.parse("Buffered", warnings::add)).isEqualTo(IoMode.BUFFERED);
        assertThat(IoMode.parse("direct ", warnings::add)).isEqualTo(IoMode.DIRECT);
        assertThat(warnings).isEmpty();
        assertThat(IoMode.parse("bufferd", warnings::add)).isEqualTo(IoMode.DIRECT);
        assertThat(warnings).singleElement().asString().contains("-D" + IoMode.PROPERTY + "=bufferd", "direct or buffered");
    }

    @Test
    @ResourceLock(Resources.SYSTEM_PROPERTIES)
    void thePropertyIsReadOncePerProcess() {
        String old = System.getProperty(IoMode.PROPERTY);
        try {
            IoMode first = IoMode.configured();
            assertThat(first).isEqualTo(IoMode.parse(old, w -> { }));
            // Changed (or misspelt) afterwards: not read again, so not warned about again per checkpoint.
            System.setProperty(IoMode.PROPERTY, first == IoMode.DIRECT ? "buffered" : "direct");
            assertThat(IoMode.configured()).isEqualTo(first);
            System.setProperty(IoMode.PROPERTY, "bufferd");
            assertThat(IoMode.configured()).isEqualTo(first);
        } finally {
            if (old == null) System.clearProperty(IoMode.PROPERTY);
            else System.setProperty(IoMode.PROPERTY, old);
        }
    }
}
