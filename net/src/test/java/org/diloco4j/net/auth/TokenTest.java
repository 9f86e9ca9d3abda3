package org.diloco4j.net.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenTest {
    @Test
    void matchesOnlyTheExactSecret() {
        Token t = Token.of("correct-horse-battery");
        assertThat(t.matches("correct-horse-battery")).isTrue();
        assertThat(t.matches("correct-horse-batterY")).isFalse();
        assertThat(t.matches("correct-horse-battery ")).isFalse();
        assertThat(t.matches("")).isFalse();
        assertThat(t.matches(null)).isFalse();
        assertThat(t.toString()).doesNotContain("horse");
    }

    @Test
    void refusesShortOrUnprintableSecrets() {
        assertThatThrownBy(() -> Token.of("short")).hasMessageContaining("5 characters; at least 16");
        assertThatThrownBy(() -> Token.of("has a space in it!!")).hasMessageContaining("code 32 at index 3");
    }

    @Test
    void randomTokensAreLongAndDistinct() {
        assertThat(Token.random().value()).hasSizeGreaterThanOrEqualTo(40).isNotEqualTo(Token.random().value());
    }

    @Test
    void readsTheFirstLineOfAFileAndWritesOwnerOnlyFiles(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("token");
        Token t = Token.random();
        t.writeTo(f);
        assertThat(Token.fromFile(f).matches(t.value())).isTrue();
        assertThat(Files.getPosixFilePermissions(f)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Token.readableByOthers(f)).isFalse();
        Files.writeString(f, "\n");
        assertThatThrownBy(() -> Token.fromFile(f)).hasMessageContaining("is empty");
        // A blank line above the token: said as it is, not "empty" (issue 13, item 8).
        Files.writeString(f, "\n" + t.value() + "\n");
        assertThatThrownBy(() -> Token.fromFile(f)).hasMessage("token file " + f
                + ": the first line is blank, but the token must be on the first line (remove the blank line above it)");
        assertThatThrownBy(() -> Token.fromFile(dir.resolve("missing"))).hasMessageContaining("does not exist");
    }
}
