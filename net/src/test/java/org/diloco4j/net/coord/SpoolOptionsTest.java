package org.diloco4j.net.coord;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spool's idle bound as an operator sets it: -Ddiloco.spool.keep=BYTES, a clear line for anything else. */
class SpoolOptionsTest {
    private static SpoolOptions with(String keep) {
        String before = System.getProperty(SpoolOptions.KEEP_PROPERTY);
        System.setProperty(SpoolOptions.KEEP_PROPERTY, keep);
        try {
            return SpoolOptions.fromSystem();
        } finally {
            if (before == null) System.clearProperty(SpoolOptions.KEEP_PROPERTY);
            else System.setProperty(SpoolOptions.KEEP_PROPERTY, before);
        }
    }

    @Test
    void theIdleBoundIsReadFromItsProperty() {
        assertThat(with(" 0 ").keepBytes()).isZero();
        assertThat(with("1048576").keepBytes()).isEqualTo(1 << 20);
        assertThat(SpoolOptions.defaults().keepBytes()).isEqualTo(SpoolOptions.DEFAULT_KEEP);
        assertThat(SpoolOptions.in(java.nio.file.Path.of("/tmp"), 5).keeping(7).keepBytes()).isEqualTo(7);
    }

    @Test
    void aBoundThatIsNotBytesIsNamed() {
        assertThatThrownBy(() -> with("8g")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("diloco.spool.keep = '8g': must be a whole number of bytes");
        assertThatThrownBy(() -> with("-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("diloco.spool.keep = -1: must be >= 0 bytes");
    }
}
