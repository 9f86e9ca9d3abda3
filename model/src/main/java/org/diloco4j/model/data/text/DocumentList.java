package org.diloco4j.model.data.text;

import org.diloco4j.model.data.DataException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Documents held in memory: the fake for tests and a way for callers to train on text they already
 * have. The identity hashes the full content, so the token cache notices any change.
 */
public final class DocumentList implements DocumentSource {
    private final String name;
    private final String groupKind;
    private final List<Document> documents;
    private final String identity;

    public DocumentList(String name, String groupKind, List<Document> documents) {
        if (documents.isEmpty()) throw new DataException("document list '" + name + "' is empty");
        this.name = name;
        this.groupKind = groupKind;
        this.documents = List.copyOf(documents);
        this.identity = "memory|" + name + "|" + groupKind + "|" + contentHash(this.documents);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String identity() {
        return identity;
    }

    @Override
    public String groupKind() {
        return groupKind;
    }

    @Override
    public ReadReport read(Consumer<Document> sink) {
        documents.forEach(sink);
        return new ReadReport(documents.size(), List.of());
    }

    private static String contentHash(List<Document> docs) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Document d : docs) {
                for (String s : new String[] {d.id(), d.group(), d.text()}) {
                    byte[] b = s.getBytes(StandardCharsets.UTF_8);
                    md.update(Integer.toString(b.length).getBytes(StandardCharsets.US_ASCII));
                    md.update((byte) ':');
                    md.update(b);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
