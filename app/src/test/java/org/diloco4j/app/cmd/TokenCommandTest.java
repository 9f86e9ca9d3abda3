package org.diloco4j.app.cmd;

import org.diloco4j.net.auth.Credentials;
import org.diloco4j.net.auth.Token;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.app.cmd.CommandLineTest.run;

/** {@code diloco token add|revoke|list} as an operator uses them (issue 13, item 5). */
class TokenCommandTest {
    @Test
    void addWritesAnOwnerOnlyTokenFileAndItsDigestRevokeRemovesIt(@TempDir Path dir) throws Exception {
        Path creds = dir.resolve("credentials");
        Path tokyo = dir.resolve("tokyo.token");
        CommandLineTest.Out add = run("token", "add", "tokyo", "--credentials", creds.toString(), "--out", tokyo.toString());
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).contains("credential 'tokyo' added to " + creds).contains("--token-file tokyo.token");
        Token t = Token.fromFile(tokyo);
        assertThat(t.value()).hasSizeGreaterThanOrEqualTo(43);
        assertThat(Files.getPosixFilePermissions(tokyo)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.getPosixFilePermissions(creds)).containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String text = Files.readString(creds);
        assertThat(text).contains("tokyo " + Credentials.hex(t.value())).doesNotContain(t.value());
        assertThat(run("token", "add", "osaka", "--credentials", creds.toString(), "--out", dir.resolve("osaka.token").toString()).code()).isZero();

        CommandLineTest.Out again = run("token", "add", "tokyo", "--credentials", creds.toString(), "--out", dir.resolve("x").toString());
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).contains("credential 'tokyo' already exists in " + creds);
        assertThat(dir.resolve("x")).doesNotExist();

        CommandLineTest.Out list = run("token", "list", "--credentials", creds.toString());
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains("tokyo  sha256:" + Credentials.hex(t.value()).substring(0, 12)).contains("osaka").contains("2 credential(s)");

        CommandLineTest.Out revoke = run("token", "revoke", "tokyo", "--credentials", creds.toString());
        assertThat(revoke.code()).as(revoke.err()).isZero();
        assertThat(Files.readString(creds)).doesNotContain("tokyo").contains("osaka ");
        CommandLineTest.Out unknown = run("token", "revoke", "tokyo", "--credentials", creds.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("no credential 'tokyo' in " + creds);
    }

    @Test
    void aBadCredentialsLineIsOneLineNamingFileAndLine(@TempDir Path dir) throws Exception {
        Path creds = dir.resolve("credentials");
        Files.writeString(creds, "# mine\ntokyo " + Credentials.hex("x".repeat(20)) + "\nosaka 12ab\n");
        CommandLineTest.Out o = run("token", "list", "--credentials", creds.toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err().strip()).startsWith("diloco: credentials file " + creds + " line 3: the hash of 'osaka' is not 64 lowercase hex digits")
                .doesNotContain("\n").doesNotContain("Exception");
        CommandLineTest.Out bad = run("token", "add", "to kyo", "--credentials", creds.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("credential name 'to kyo'");
    }

    /** Issue 13, item 8: a blank line above the token was reported as an empty file. */
    @Test
    void aTokenFileWithABlankFirstLineSaysSoOnBothSides(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("token");
        Files.writeString(t, "\n" + Token.random().value() + "\n");
        String said = "token file " + t + ": the first line is blank, but the token must be on the first line";
        CommandLineTest.Out worker = run("worker", "--join", "127.0.0.1:7070", "--token-file", t.toString());
        assertThat(worker.code()).isEqualTo(2);
        assertThat(worker.err().strip()).startsWith("diloco: " + said).doesNotContain("\n").doesNotContain("empty");
        CommandLineTest.Out coord = run("coordinator", "--token-file", t.toString(), "--out", dir.resolve("run").toString());
        assertThat(coord.code()).isEqualTo(2);
        assertThat(coord.err().strip()).startsWith("diloco: " + said).doesNotContain("\n");
    }

    @Test
    void theCoordinatorTakesCredentialsOrASharedTokenNotBoth(@TempDir Path dir) throws Exception {
        Path creds = dir.resolve("credentials");
        Files.writeString(creds, "");
        CommandLineTest.Out o = run("coordinator", "--credentials", creds.toString(), "--token-file", creds.toString(), "--out",
                dir.resolve("run").toString());
        assertThat(o.code()).isEqualTo(2);
        assertThat(o.err()).contains("--credentials and --token-file exclude each other");
        CommandLineTest.Out missing = run("coordinator", "--credentials", dir.resolve("none").toString(), "--out", dir.resolve("run").toString(),
                "--port", "0");
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("credentials file " + dir.resolve("none") + " does not exist");
        assertThat(dir.resolve("run")).doesNotExist();
        CommandLineTest.Out cap = run("coordinator", "--max-workers", "-1", "--out", dir.resolve("run").toString());
        assertThat(cap.code()).isEqualTo(2);
        assertThat(cap.err()).contains("maximum workers = -1");
    }
}
