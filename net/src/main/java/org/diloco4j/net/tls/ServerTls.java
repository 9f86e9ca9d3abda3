package org.diloco4j.net.tls;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * The coordinator's certificate chain and private key, checked before it listens: both files
 * readable as PEM, the key the one the certificate was issued for, the certificate valid now. A
 * mismatch found here is one line at start-up; found by the TLS stack it is every handshake
 * failing with nothing logged.
 *
 * <p>Read once: the coordinator checks the files before it starts anything and listens with what it read.
 *
 * @param chain    the certificate chain, leaf first, as PEM text
 * @param key      the private key as PKCS#8 PEM text
 * @param certFile where the chain was read from (for messages)
 * @param keyFile  where the key was read from (for messages)
 */
public record ServerTls(String chain, String key, Path certFile, Path keyFile) {
    /**
     * Reads and checks {@code certFile} and {@code keyFile}.
     *
     * @param now the time the certificate must be valid at
     * @throws IllegalArgumentException one line saying what is wrong and how to fix it
     */
    public static ServerTls load(Path certFile, Path keyFile, Instant now) {
        String certPem = Pem.read(certFile, "--tls-cert");
        String keyPem = Pem.read(keyFile, "--tls-key");
        if (!certPem.contains("CERTIFICATE-----") && keyPem.contains("CERTIFICATE-----")) {
            throw new IllegalArgumentException("--tls-cert " + certFile + " and --tls-key " + keyFile + " are swapped");
        }
        List<X509Certificate> chain = Pem.certificates(certPem, certFile);
        X509Certificate leaf = chain.getFirst();
        PemKey key = PemKey.parse(keyPem, keyFile.toString());
        if (!matches(key, leaf.getPublicKey())) {
            throw new IllegalArgumentException("the key " + keyFile + " does not belong to the certificate " + certFile
                    + " (" + leaf.getSubjectX500Principal().getName() + "): give the key the certificate was issued for");
        }
        try {
            leaf.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new IllegalArgumentException("the certificate " + certFile + " expired on " + leaf.getNotAfter().toInstant()
                    + ": renew it");
        } catch (CertificateNotYetValidException e) {
            throw new IllegalArgumentException("the certificate " + certFile + " is not valid before " + leaf.getNotBefore().toInstant()
                    + ": check this host's clock, or issue it again");
        }
        return new ServerTls(certPem, key.pkcs8(), certFile, keyFile);
    }

    /** What gRPC serves TLS with. */
    public ServerCredentials credentials() throws IOException {
        return TlsServerCredentials.create(new ByteArrayInputStream(chain.getBytes(StandardCharsets.US_ASCII)),
                new ByteArrayInputStream(key.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Signs with the key and verifies with the certificate's public key: works for every key type the TLS stack takes. */
    private static boolean matches(PemKey key, PublicKey pub) {
        if (!key.key().getAlgorithm().equals(pub.getAlgorithm())) return false;
        String alg = switch (pub.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> pub.getAlgorithm();
        };
        byte[] probe = "diloco4j key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature s = Signature.getInstance(alg);
            s.initSign(key.key());
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(alg);
            v.initVerify(pub);
            v.update(probe);
            return v.verify(sig);
        } catch (GeneralSecurityException e) {
            // A key this check cannot sign with (e.g. RSASSA-PSS without its parameters) is not a
            // mismatch: only a signature that fails to verify is. The TLS stack has the last word.
            return true;
        }
    }
}
