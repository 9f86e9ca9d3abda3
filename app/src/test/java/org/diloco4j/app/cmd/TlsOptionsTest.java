package org.diloco4j.app.cmd;

import org.diloco4j.net.Certs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.diloco4j.app.cmd.CleanFailureTest.assertOneLine;
import static org.diloco4j.app.cmd.CommandLineTest.TINY;
import static org.diloco4j.app.cmd.CommandLineTest.concat;
import static org.diloco4j.app.cmd.CommandLineTest.run;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** TLS files that cannot work stop the command before it starts: one line, exit code 2, nothing written. */
class TlsOptionsTest {
    @TempDir
    Path tmp;

    private boolean selfSigned(String name) throws Exception {
        return Certs.selfSigned(tmp, name, "DNS:localhost");
    }

    @Test
    void aCoordinatorWhoseKeyDoesNotFitItsCertificateRefusesToStart() throws Exception {
        assumeTrue(selfSigned("a") && selfSigned("b"), "openssl is needed to make test certificates");
        Path out = tmp.resolve("net");
        CommandLineTest.Out o = run(concat(new String[] {"coordinator", "--port", "0", "--out", out.toString(),
                "--tls-cert", tmp.resolve("a-cert.pem").toString(), "--tls-key", tmp.resolve("b-key.pem").toString()}, TINY));
        assertOneLine(o, 2, "b-key.pem", "does not belong to the certificate", "a-cert.pem");
        assertThat(out).doesNotExist();
    }

    @Test
    void aWorkerWhoseCaFileIsNotACertificateRefusesToStart() throws Exception {
        Path ca = Files.writeString(tmp.resolve("ca.pem"), "not a certificate\n");
        CommandLineTest.Out o = run("worker", "--join", "127.0.0.1:1", "--tls-ca", ca.toString());
        assertOneLine(o, 2, "ca.pem", "no PEM certificate");
    }
}
