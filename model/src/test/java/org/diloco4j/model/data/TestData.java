package org.diloco4j.model.data;

import org.diloco4j.model.data.corpus.Corpus;
import org.diloco4j.model.data.corpus.CorpusOptions;
import org.diloco4j.model.data.text.Document;
import org.diloco4j.model.data.text.DocumentList;
import org.diloco4j.model.data.text.DocumentSource;
import org.diloco4j.model.data.token.ByteTokenizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Shared fixtures: the Europarl corpus loaded once per test JVM, and small in-memory corpora. */
public final class TestData {
    /** Under target/, so a second test run hits the cache and `mvn clean` removes it. */
    public static final Path EUROPARL_CACHE = Path.of("target", "test-token-cache");
    private static Corpus europarl;

    private TestData() {
    }

    public static synchronized Corpus europarlBytes() {
        if (europarl == null) {
            europarl = Corpus.load(CorpusOptions.of("europarl").withCacheDir(EUROPARL_CACHE).withLog(m -> { }));
        }
        return europarl;
    }

    /** n documents in {@code groups} round-robin, each with distinct text of about {@code chars} characters. */
    public static DocumentList documents(int n, int chars, String... groups) {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            while (sb.length() < chars) sb.append("doc ").append(i).append(" line ").append(sb.length()).append(". ");
            docs.add(new Document("d" + i, groups[i % groups.length], sb.toString()));
        }
        return new DocumentList("test", "group", docs);
    }

    public static Corpus load(DocumentSource src, Path cache) {
        return Corpus.load(src, new ByteTokenizer(), cache, m -> { });
    }
}
