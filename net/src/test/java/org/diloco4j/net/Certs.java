package org.diloco4j.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test certificates made with openssl: self-signed, for a chosen subjectAltName. Shared with app's tests (net's test-jar). */
public final class Certs {
    private Certs() {
    }

    /** Writes {@code <name>-cert.pem} and {@code <name>-key.pem} (PKCS#8) into {@code dir}; false if openssl is missing. */
    public static boolean selfSigned(Path dir, String name, String altNames) throws Exception {
        return openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=" + name, "-addext", "subjectAltName=" + altNames,
                "-keyout", dir.resolve(name + "-key.pem").toString(), "-out", dir.resolve(name + "-cert.pem").toString());
    }

    public static boolean openssl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            return false;
        }
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
