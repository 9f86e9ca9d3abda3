package org.diloco4j.model.data.corpus;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.text.DocumentSource;
import org.diloco4j.model.data.text.EuroparlCorpus;
import org.diloco4j.model.data.text.SplitRule;
import org.diloco4j.model.data.text.TextCorpus;
import org.diloco4j.model.data.text.TextEncoding;
import org.diloco4j.model.data.token.ByteTokenizer;
import org.diloco4j.model.data.token.TokenCache;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How to load a corpus.
 *
 * @param spec       {@code europarl} (the built-in default) or a path to a text file or folder
 * @param tokenizer  {@code bytes} (default) or {@code gpt2}
 * @param cacheDir   where tokenized corpora are cached (default {@link #defaultCacheDir()})
 * @param splitRule  how files are cut into documents (ignored for europarl)
 * @param encoding   how file bytes become text (ignored for europarl)
 * @param extensions file endings taken from a folder (ignored for europarl and single files)
 * @param log        receives progress and repair messages (cache builds, rebuilds, skipped input)
 */
public record CorpusOptions(String spec, String tokenizer, Path cacheDir, SplitRule splitRule, TextEncoding encoding,
                            Set<String> extensions, Consumer<String> log) {
    public static final String DEFAULT_SPEC = EuroparlCorpus.NAME;

    public CorpusOptions {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(splitRule, "splitRule");
        Objects.requireNonNull(encoding, "encoding");
        extensions = Set.copyOf(extensions);
        Objects.requireNonNull(log, "log");
        if (spec.isBlank()) throw new DataException("corpus spec is empty: expected 'europarl' or a path");
    }

    /** Bytes tokenizer, default cache folder, one document per file, auto-detected encoding, *.txt and *.md, log to System.Logger. */
    public static CorpusOptions of(String spec) {
        System.Logger logger = System.getLogger("org.diloco4j.data");
        return new CorpusOptions(spec, ByteTokenizer.NAME, defaultCacheDir(), SplitRule.FILE, TextEncoding.AUTO,
                TextCorpus.DEFAULT_EXTENSIONS, m -> logger.log(System.Logger.Level.INFO, m));
    }

    /**
     * {@code $DILOCO4J_CACHE}/tokens if set, else {@code $XDG_CACHE_HOME/diloco4j/tokens}, else
     * {@code ~/.cache/diloco4j/tokens}.
     */
    public static Path defaultCacheDir() {
        return TokenCache.defaultDir();
    }

    public CorpusOptions withTokenizer(String name) {
        return new CorpusOptions(spec, name, cacheDir, splitRule, encoding, extensions, log);
    }

    public CorpusOptions withCacheDir(Path dir) {
        return new CorpusOptions(spec, tokenizer, dir, splitRule, encoding, extensions, log);
    }

    public CorpusOptions withSplitRule(SplitRule rule) {
        return new CorpusOptions(spec, tokenizer, cacheDir, rule, encoding, extensions, log);
    }

    public CorpusOptions withEncoding(TextEncoding enc) {
        return new CorpusOptions(spec, tokenizer, cacheDir, splitRule, enc, extensions, log);
    }

    public CorpusOptions withExtensions(Set<String> exts) {
        return new CorpusOptions(spec, tokenizer, cacheDir, splitRule, encoding, exts, log);
    }

    public CorpusOptions withLog(Consumer<String> sink) {
        return new CorpusOptions(spec, tokenizer, cacheDir, splitRule, encoding, extensions, sink);
    }

    /** The document source the spec names; a path is resolved against the working directory, {@code ~} expanded. */
    public DocumentSource source() {
        return isEuroparl() ? new EuroparlCorpus() : new TextCorpus(path(), splitRule, encoding, extensions);
    }

    /**
     * What an unset split rule means for this corpus dealt to {@code shards} shards ({@link SplitRule#auto});
     * {@link SplitRule#FILE} for europarl, which ignores it. Lists a folder's files and, when there are
     * few, reads the start of each to look for blank lines.
     */
    public SplitRule autoSplitRule(int shards) {
        if (isEuroparl()) return SplitRule.FILE;
        TextCorpus text = new TextCorpus(path(), SplitRule.FILE, encoding, extensions);
        return SplitRule.auto(text.files().size(), shards, text::hasBlankLines);
    }

    private boolean isEuroparl() {
        return spec.equalsIgnoreCase(EuroparlCorpus.NAME);
    }

    private Path path() {
        String p = spec.startsWith("~/") ? System.getProperty("user.home") + spec.substring(1) : spec;
        Path path = Path.of(p);
        if (!java.nio.file.Files.exists(path)) {
            throw new DataException("corpus '" + spec + "' is neither 'europarl' nor an existing file or folder ("
                    + path.toAbsolutePath().normalize() + " does not exist)");
        }
        return path;
    }
}
