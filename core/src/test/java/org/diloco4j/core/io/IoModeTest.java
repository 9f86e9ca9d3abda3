package org.diloco4j.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/** The property chooses buffered I/O; unset or misspelt, checkpoints go direct (a typo does not fail them). */
@ResourceLock(Resources.SYSTEM_PROPERTIES)
class IoModeTest {
    @Test
    void thePropertyChoosesTheMode() {
        String old = System.getProperty(IoMode.PROPERTY);
        try {
            System.clearProperty(IoMode.PROPERTY);
            assertThat(IoMode.configured()).isEqualTo(IoMode.DIRECT);
            System.setProperty(IoMode.PROPERTY, "Buffered");
            assertThat(IoMode.configured()).isEqualTo(IoMode.BUFFERED);
            System.setProperty(IoMode.PROPERTY, "bufferd");
            assertThat(IoMode.configured()).isEqualTo(IoMode.DIRECT);
        } finally {
            if (old == null) System.clearProperty(IoMode.PROPERTY);
            else System.setProperty(IoMode.PROPERTY, old);
        }
    }
}
