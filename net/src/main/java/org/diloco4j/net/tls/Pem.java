package org.diloco4j.net.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;

/** Reading PEM files, with one-line errors naming the file. */
public final class Pem {
    private Pem() {
    }

    /**
     * Checks that {@code file} (a worker's --tls-ca) holds at least one PEM certificate.
     *
     * @throws IllegalArgumentException what is wrong with it
     */
    public static void requireCertificates(Path file, String option) {
        certificates(read(file, option), file);
    }

    static String read(Path file, String option) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + " cannot be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The certificates in {@code pem}, in file order (a chain: leaf first). */
    static List<X509Certificate> certificates(String pem, Path file) {
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new IllegalArgumentException(file + " holds no PEM certificate (no -----BEGIN CERTIFICATE----- block)"
                    + (pem.contains("PRIVATE KEY-----") ? " but a private key: give the certificate file" : ""));
        }
        try {
            Collection<? extends Certificate> all = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.ISO_8859_1)));
            if (all.isEmpty()) throw new CertificateException("no certificate");
            return all.stream().map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + " is not a readable PEM certificate chain: " + e.getMessage());
        }
    }
}
