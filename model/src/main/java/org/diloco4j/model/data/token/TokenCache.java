package org.diloco4j.model.data.token;

import org.diloco4j.core.io.AtomicFiles;
import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.text.Document;
import org.diloco4j.model.data.text.DocumentSource;
import org.diloco4j.model.data.text.DocumentTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tokenized corpora cached on disk, keyed by (corpus identity, tokenizer, format version). A miss
 * reads and tokenizes the source (documents in parallel, written in order) into a temporary file in
 * the cache folder, then renames it into place atomically, so a crash or a concurrent builder never
 * leaves a half-written file under the final name. A file that fails validation is rebuilt with a
 * message.
 */
public final class TokenCache {
    /** A cache file, opened and validated. */
    public record Loaded(Path file, CacheStatus status, TokenFile.Meta meta, DocumentTable documents, TokenArray tokens) {
    }

    private static final int BATCH_DOCS = 512;

    private final Path dir;
    private final Consumer<String> log;

    public TokenCache(Path dir, Consumer<String> log) {
        this.dir = dir.toAbsolutePath().normalize();
        this.log = log;
    }

    /**
     * Default folder: {@code $DILOCO4J_CACHE}/tokens if set, else {@code $XDG_CACHE_HOME/diloco4j/tokens},
     * else {@code ~/.cache/diloco4j/tokens}.
     */
    public static Path defaultDir() {
        String own = System.getenv("DILOCO4J_CACHE");
        if (own != null && !own.isBlank()) return Path.of(own, "tokens");
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "diloco4j", "tokens");
        return Path.of(System.getProperty("user.home"), ".cache", "diloco4j", "tokens");
    }

    Path dir() {
        return dir;
    }

    static String key(DocumentSource source, Tokenizer tokenizer) {
        return "diloco4j-tokens format=" + TokenFile.FORMAT_VERSION + "\nsource=" + source.identity()
                + "\ntokenizer=" + tokenizer.name() + " vocab=" + tokenizer.vocabSize() + " eot=" + tokenizer.endOfText();
    }

    /** The file that holds (or would hold) this source tokenized by this tokenizer. */
    Path fileFor(DocumentSource source, Tokenizer tokenizer) {
        String slug = source.name().replaceAll("[^A-Za-z0-9._-]+", "_");
        if (slug.length() > 40) slug = slug.substring(0, 40);
        return dir.resolve(slug + "-" + tokenizer.name() + "-" + sha256(key(source, tokenizer)).substring(0, 16) + ".tokens");
    }

    public Loaded load(DocumentSource source, Tokenizer tokenizer) {
        String key = key(source, tokenizer);
        Path file = fileFor(source, tokenizer);
        CacheStatus status = CacheStatus.BUILT;
        if (Files.exists(file)) {
            try {
                TokenFile.Opened o = TokenFile.open(file, key);
                return new Loaded(file, CacheStatus.HIT, o.meta(), o.documents(), o.tokens());
            } catch (TokenFile.Unusable e) {
                log.accept("token cache " + file + " is unusable (" + e.getMessage() + "); rebuilding it");
                status = CacheStatus.REBUILT;
            }
        }
        build(source, tokenizer, key, file);
        try {
            TokenFile.Opened o = TokenFile.open(file, key);
            return new Loaded(file, status, o.meta(), o.documents(), o.tokens());
        } catch (TokenFile.Unusable e) {
            throw new DataException("token cache " + file + " failed validation right after it was written ("
                    + e.getMessage() + "); is the cache folder on a reliable file system?");
        }
    }

    private void build(DocumentSource source, Tokenizer tokenizer, String key, Path file) {
        long t0 = System.nanoTime();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            DocumentSource.ReadReport report;
            long tokens;
            try (TokenFile.Writer w = new TokenFile.Writer(tmp, tokenizer.vocabSize(), tokenizer.endOfText())) {
                List<Document> batch = new ArrayList<>(BATCH_DOCS);
                report = source.read(doc -> {
                    batch.add(doc);
                    if (batch.size() == BATCH_DOCS) flush(batch, tokenizer, w);
                });
                flush(batch, tokenizer, w);
                tokens = w.tokens();
                w.finish(new TokenFile.Meta(key, source.name(), source.groupKind(), tokenizer.name(),
                        tokenizer.vocabSize(), tokenizer.endOfText(), report.notes()));
            }
            AtomicFiles.move(tmp, file);
            tmp = null;
            log.accept(String.format("tokenized %s with %s: %,d documents, %,d tokens in %.1f s -> %s", source.name(),
                    tokenizer.name(), report.documents(), tokens, (System.nanoTime() - t0) / 1e9, file));
        } catch (IOException | UncheckedIOException e) {
            throw new DataException("cannot write token cache " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: a stray .tmp file is harmless and never read
                }
            }
        }
    }

    private static void flush(List<Document> batch, Tokenizer tokenizer, TokenFile.Writer w) {
        int[][] encoded = batch.parallelStream().map(d -> tokenizer.encode(d.text())).toArray(int[][]::new);
        try {
            for (int i = 0; i < batch.size(); i++) {
                Document d = batch.get(i);
                w.add(d, encoded[i], d.text().getBytes(StandardCharsets.UTF_8).length);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        batch.clear();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
