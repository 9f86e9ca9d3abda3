package org.diloco4j.model.data.token;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.corpus.Corpus;
import org.diloco4j.model.data.corpus.CorpusOptions;
import org.diloco4j.model.data.text.Document;
import org.diloco4j.model.data.text.DocumentList;
import org.diloco4j.model.data.text.DocumentSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenCacheTest {
    @TempDir
    Path tmp;
    private final List<String> log = new ArrayList<>();

    private Corpus load(DocumentSource src, Tokenizer tok) {
        return Corpus.load(src, tok, tmp.resolve("cache"), log::add);
    }

    private static DocumentList docs(String... texts) {
        List<Document> d = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) d.add(new Document("id" + i, "g" + (i % 2), texts[i]));
        return new DocumentList("mem", "group", d);
    }

    @Test
    void missThenHitWithIdenticalContent() {
        DocumentList src = docs("alpha", "beta γ", "delta");
        Corpus first = load(src, new ByteTokenizer());
        assertThat(first.cacheStatus()).isEqualTo(CacheStatus.BUILT);
        assertThat(log).singleElement().asString().startsWith("tokenized mem with bytes: 3 documents, 20 tokens");
        Corpus second = load(src, new ByteTokenizer());
        assertThat(second.cacheStatus()).isEqualTo(CacheStatus.HIT);
        assertThat(second.cacheFile()).isEqualTo(first.cacheFile());
        int[] a = new int[20];
        int[] b = new int[20];
        first.tokens().copy(0, a, 0, 20);
        second.tokens().copy(0, b, 0, 20);
        assertThat(b).isEqualTo(a);
        assertThat(second.text(1)).isEqualTo("beta γ");
        assertThat(second.documents().groupNames()).containsExactly("g0", "g1");
        assertThat(second.documents().id(2)).isEqualTo("id2");
    }

    @Test
    void tokenizerAndContentArePartOfTheKey() {
        Corpus bytes = load(docs("hello world", "again"), new ByteTokenizer());
        Corpus gpt2 = load(docs("hello world", "again"), new Gpt2Tokenizer());
        Corpus changed = load(docs("hello world", "again!"), new ByteTokenizer());
        assertThat(List.of(bytes.cacheFile(), gpt2.cacheFile(), changed.cacheFile())).doesNotHaveDuplicates();
        assertThat(gpt2.cacheStatus()).isEqualTo(CacheStatus.BUILT);
        assertThat(changed.cacheStatus()).isEqualTo(CacheStatus.BUILT);
        int[] ids = new int[(int) gpt2.tokens().size()];
        gpt2.tokens().copy(0, ids, 0, ids.length);
        assertThat(ids).startsWith(31373, 995, 50256).endsWith(50256);
        assertThat(gpt2.text(1)).isEqualTo("again");
    }

    @Test
    void storesTokensCompactly() throws IOException {
        Corpus bytes = load(docs("abcdefgh"), new ByteTokenizer());
        Corpus gpt2 = load(docs("abcdefgh"), new Gpt2Tokenizer());
        assertThat(widthField(bytes.cacheFile())).isEqualTo(1);
        assertThat(widthField(gpt2.cacheFile())).isEqualTo(2);
        assertThat(MappedTokens.widthFor(256)).isEqualTo(1);
        assertThat(MappedTokens.widthFor(50_257)).isEqualTo(2);
        assertThat(MappedTokens.widthFor(65_536)).isEqualTo(2);
        assertThat(MappedTokens.widthFor(65_537)).isEqualTo(4);
    }

    private static int widthField(Path file) throws IOException {
        return java.nio.ByteBuffer.wrap(Files.readAllBytes(file)).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(12);
    }

    @Test
    void wideVocabulariesRoundTripThroughInt32() throws IOException {
        Tokenizer wide = new Tokenizer() {
            public String name() {
                return "wide";
            }

            public int vocabSize() {
                return 1 << 20;
            }

            public int endOfText() {
                return (1 << 20) - 1;
            }

            public int[] encode(String text) {
                return text.codePoints().map(c -> c * 7).toArray();
            }

            public int byteLength(int token) {
                throw new UnsupportedOperationException();
            }

            public String decode(int[] tokens) {
                throw new UnsupportedOperationException();
            }
        };
        Corpus c = load(docs("€🙂"), wide);
        assertThat(c.tokens().size()).isEqualTo(3);
        assertThat(c.tokens().get(0)).isEqualTo(0x20AC * 7);
        assertThat(c.tokens().get(1)).isEqualTo(0x1F642 * 7);
        assertThat(c.tokens().get(2)).isEqualTo((1 << 20) - 1);
        assertThat(widthField(c.cacheFile())).isEqualTo(4);
    }

    @Test
    void corruptedFileIsDetectedAndRebuilt() throws IOException {
        DocumentList src = docs("some text to corrupt", "more");
        Path file = load(src, new ByteTokenizer()).cacheFile();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(TokenFile.HEADER + 3);
            f.write('X');
        }
        log.clear();
        Corpus again = load(src, new ByteTokenizer());
        assertThat(again.cacheStatus()).isEqualTo(CacheStatus.REBUILT);
        assertThat(log.get(0)).isEqualTo("token cache " + file + " is unusable (content checksum mismatch); rebuilding it");
        assertThat(again.text(0)).isEqualTo("some text to corrupt");
        assertThat(load(src, new ByteTokenizer()).cacheStatus()).isEqualTo(CacheStatus.HIT);
    }

    @Test
    void truncatedAndForeignFilesAreRebuilt() throws IOException {
        DocumentList src = docs("truncate me please");
        Path file = load(src, new ByteTokenizer()).cacheFile();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 5);
        }
        log.clear();
        assertThat(load(src, new ByteTokenizer()).cacheStatus()).isEqualTo(CacheStatus.REBUILT);
        assertThat(log.get(0)).contains("is unusable (truncated or extended: ");

        Files.write(file, new byte[10]);
        log.clear();
        assertThat(load(src, new ByteTokenizer()).cacheStatus()).isEqualTo(CacheStatus.REBUILT);
        assertThat(log.get(0)).contains("is unusable (truncated: 10 bytes, the header alone needs 64)");

        Files.write(file, new byte[200]);
        log.clear();
        load(src, new ByteTokenizer());
        assertThat(log.get(0)).contains("(not a diloco4j token file (bad magic))");
    }

    @Test
    void headerCorruptionAndStaleFormatAreDetected() throws IOException {
        DocumentList src = docs("header");
        Path file = load(src, new ByteTokenizer()).cacheFile();
        byte[] b = Files.readAllBytes(file);
        b[16] ^= 1;
        Files.write(file, b);
        log.clear();
        load(src, new ByteTokenizer());
        assertThat(log.get(0)).contains("(header checksum mismatch)");
    }

    @Test
    void noTemporaryFilesRemainAndTheFolderIsCreated() throws IOException {
        load(docs("x"), new ByteTokenizer());
        try (Stream<Path> files = Files.list(tmp.resolve("cache"))) {
            assertThat(files.map(p -> p.getFileName().toString())).allMatch(n -> n.endsWith(".tokens"));
        }
    }

    @Test
    void unwritableCacheFolderIsAClearError() throws IOException {
        Path blocker = Files.writeString(tmp.resolve("file-not-folder"), "x");
        assertThatThrownBy(() -> Corpus.load(docs("x"), new ByteTokenizer(), blocker.resolve("cache"), log::add))
                .isInstanceOf(DataException.class)
                .hasMessageStartingWith("cannot write token cache " + blocker.resolve("cache"));
    }

    @Test
    void defaultFolderIsUnderTheUserCache() {
        Path d = CorpusOptions.defaultCacheDir();
        assertThat(d.getFileName().toString()).isEqualTo("tokens");
        if (System.getenv("DILOCO4J_CACHE") == null) assertThat(d.toString()).contains("diloco4j");
    }
}
