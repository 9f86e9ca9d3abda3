package org.diloco4j.net;

import org.diloco4j.net.tls.ServerTls;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The coordinator's certificate and key, checked at start-up: one line for each way they can be unusable. */
class ServerTlsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        assumeTrue(Certs.selfSigned(dir, "a", "DNS:localhost"), "openssl is needed to make test certificates");
        assumeTrue(Certs.openssl("rsa", "-in", dir.resolve("a-key.pem").toString(), "-traditional", "-out", dir.resolve("a-rsa.pem").toString()));
        assumeTrue(Certs.openssl("ecparam", "-name", "prime256v1", "-genkey", "-out", dir.resolve("ec-key.pem").toString()));
    }

    private static Path file(String name) {
        return dir.resolve(name);
    }

    @Test
    void aPkcs1RsaKeyIsAcceptedAsItsPkcs8Form() throws Exception {
        assertThat(Files.readString(file("a-rsa.pem"))).contains("BEGIN RSA PRIVATE KEY");
        ServerTls pkcs1 = ServerTls.load(file("a-cert.pem"), file("a-rsa.pem"), Instant.now());
        ServerTls pkcs8 = ServerTls.load(file("a-cert.pem"), file("a-key.pem"), Instant.now());
        assertThat(pkcs1.key().replaceAll("\\s", "")).isEqualTo(pkcs8.key().replaceAll("\\s", ""));
        assertThat(pkcs1.credentials()).isNotNull();
    }

    @Test
    void anExpiredCertificateIsRefused() {
        assertThatThrownBy(() -> ServerTls.load(file("a-cert.pem"), file("a-key.pem"), Instant.now().plus(Duration.ofDays(3))))
                .hasMessageContaining("expired").hasMessageContaining("renew");
    }

    @Test
    void swappedFilesAreNamed() {
        assertThatThrownBy(() -> ServerTls.load(file("a-key.pem"), file("a-cert.pem"), Instant.now())).hasMessageContaining("swapped");
    }

    @Test
    void anSec1EcKeyGetsTheCommandThatConvertsIt() {
        assertThatThrownBy(() -> ServerTls.load(file("a-cert.pem"), file("ec-key.pem"), Instant.now()))
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + file("ec-key.pem"));
    }
}
