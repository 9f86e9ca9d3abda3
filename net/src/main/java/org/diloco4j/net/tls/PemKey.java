package org.diloco4j.net.tls;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PEM private key read the way the TLS stack needs it (unencrypted PKCS#8). A PKCS#1 RSA key —
 * what older openssl commands write as "BEGIN RSA PRIVATE KEY" — is accepted by wrapping it in a
 * PKCS#8 envelope; any other kind is refused with the openssl command that converts it.
 *
 * @param key    the parsed key
 * @param pkcs8  its PKCS#8 encoding, as PEM text
 */
record PemKey(PrivateKey key, String pkcs8) {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
    /** AlgorithmIdentifier{rsaEncryption, NULL}: what goes before a PKCS#1 key in its PKCS#8 envelope. */
    private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    /**
     * @param pem  the key file's text
     * @param file how to name the file in a message
     * @throws IllegalArgumentException naming what is wrong and how to fix it
     */
    static PemKey parse(String pem, String file) {
        Matcher m = BLOCK.matcher(pem);
        String kind = null;
        String other = null;
        while (kind == null && m.find()) {
            if (m.group(1).endsWith("PRIVATE KEY")) kind = m.group(1);
            else if (other == null) other = m.group(1);
        }
        if (kind == null) {
            throw new IllegalArgumentException(file + (other == null ? " holds no PEM private key (no -----BEGIN ... PRIVATE KEY----- block)"
                    : " holds a " + other + " block but no private key" + (other.contains("CERTIFICATE") ? " (were --tls-cert and --tls-key swapped?)" : "")));
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(2).strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": the " + kind + " block is not valid base64");
        }
        byte[] pkcs8 = switch (kind) {
            case "PRIVATE KEY" -> der;
            case "RSA PRIVATE KEY" -> wrapRsa(der);
            case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file + " is encrypted with a passphrase; decrypt it with: "
                    + "openssl pkcs8 -in " + file + " -out key-pkcs8.pem");
            case "EC PRIVATE KEY" -> throw new IllegalArgumentException(file + " is an SEC1 EC key; convert it to PKCS#8 with: "
                    + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem");
            default -> throw new IllegalArgumentException(file + " is a " + kind + "; convert it to PKCS#8 with: "
                    + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem");
        };
        return new PemKey(decode(pkcs8, file), "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n");
    }

    private static PrivateKey decode(byte[] pkcs8, String file) {
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                // Not this algorithm; try the next.
            }
        }
        throw new IllegalArgumentException(file + " is not a readable RSA, EC or EdDSA private key; convert it to unencrypted PKCS#8 with: "
                + "openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem");
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, algorithm, OCTET STRING privateKey }. */
    private static byte[] wrapRsa(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        body.writeBytes(length(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(length(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** A DER length: short form below 128, else 0x80|n followed by n big-endian bytes. */
    private static byte[] length(int n) {
        if (n < 0x80) return new byte[] {(byte) n};
        int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
        byte[] out = new byte[bytes + 1];
        out[0] = (byte) (0x80 | bytes);
        for (int i = 0; i < bytes; i++) out[bytes - i] = (byte) (n >>> (8 * i));
        return out;
    }
}
