package org.diloco4j.net.worker;

import org.diloco4j.net.tls.Farewell;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;

import javax.net.ssl.SSLHandshakeException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Optional;

/**
 * A failure to reach the coordinator that retrying cannot mend — the two ends disagree about TLS,
 * or the coordinator's certificate is not acceptable — with one line for the person who can fix it.
 * Everything else (refused, reset, timed out, a handshake cut short) is a network failure and is
 * retried.
 *
 * All of them end the worker the same way (its exit code for a refusal), so nothing tells them apart
 * but the line.
 *
 * @param line what is wrong and what to do
 */
record Fault(String line) {
    /**
     * How the worker connects.
     *
     * @param target the address it joins (HOST:PORT)
     * @param tls    whether it speaks TLS
     * @param tlsCa  the CA file it trusts, or null for the system's
     */
    record Setup(String target, boolean tls, java.nio.file.Path tlsCa) {
    }

    /** The fault behind {@code e}, if it is one retrying cannot mend. */
    static Optional<Fault> of(StatusRuntimeException e, Setup s) {
        if (s.tls() && e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                Optional<Fault> f = tlsCause(t, s);
                if (f.isPresent()) return f;
            }
        }
        // What this coordinator's TLS port answers plaintext with (a TLS alert record), as gRPC reports it.
        for (Throwable t = e; t != null && !s.tls(); t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("First received frame was not SETTINGS") && m.contains(": " + Farewell.TLS_ALERT_HEX)) {
                return Optional.of(new Fault("the coordinator at " + s.target() + " speaks TLS and this worker plaintext: "
                        + "start the worker with --tls-ca PEM (the coordinator's CA or self-signed certificate), or --tls if a public CA signed it"));
            }
        }
        return Optional.empty();
    }

    private static Optional<Fault> tlsCause(Throwable t, Setup s) {
        String trust = s.tlsCa() != null ? "--tls-ca " + s.tlsCa() : "the system's CAs (no --tls-ca)";
        String msg = String.valueOf(t.getMessage());
        if (t.getClass().getSimpleName().equals("NotSslRecordException")) {
            return Optional.of(new Fault("the coordinator at " + s.target() + " speaks plaintext and this worker TLS: "
                    + "start the worker without --tls/--tls-ca, or the coordinator with --tls-cert and --tls-key"));
        }
        if (t instanceof CertificateExpiredException || t instanceof CertificateNotYetValidException
                || t instanceof CertPathValidatorException v && v.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
            return Optional.of(new Fault("the coordinator's certificate is expired or not yet valid (" + msg
                    + "): renew it on the coordinator, or check this host's clock"));
        }
        if (t instanceof CertificateException && (msg.startsWith("No subject alternative") || msg.startsWith("No name matching"))) {
            return Optional.of(new Fault("the coordinator's certificate does not name the host in --join " + s.target()
                    + " (" + msg + "): join by a name the certificate lists, or issue it with subjectAltName for this name"));
        }
        if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
                || t instanceof SSLHandshakeException && msg.contains("PKIX path")) {
            return Optional.of(new Fault("the coordinator's certificate is not signed by a CA this worker trusts ("
                    + trust + "): give --tls-ca the certificate of the CA that signed it (or the coordinator's own, if self-signed)"));
        }
        return Optional.empty();
    }
}
