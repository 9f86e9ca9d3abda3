package org.diloco4j.model.data.text;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.corpus.CorpusOptions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCorpusTest {
    @TempDir
    Path dir;

    private Path write(String rel, String text) throws IOException {
        Path p = dir.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    private static List<Document> read(DocumentSource src) {
        List<Document> out = new ArrayList<>();
        src.read(out::add);
        return out;
    }

    @Test
    void folderIsReadRecursivelyInSortedOrderSkippingHiddenAndOtherExtensions() throws IOException {
        write("b.txt", "bee");
        write("a/z.md", "zed");
        write("a/c.TXT", "\uFEFFsee");
        write(".git/x.txt", "hidden");
        write("a/.draft.txt", "hidden");
        write("image.png", "not text");
        TextCorpus c = new TextCorpus(dir, SplitRule.FILE);
        List<Document> docs = read(c);
        assertThat(docs).extracting(Document::id).containsExactly("a/c.TXT", "a/z.md", "b.txt");
        assertThat(docs).extracting(Document::text).containsExactly("see", "zed", "bee");
        assertThat(docs).extracting(Document::group).containsExactly("a/c.TXT", "a/z.md", "b.txt");
        assertThat(c.groupKind()).isEqualTo("file");
        assertThat(read(new TextCorpus(dir, SplitRule.FILE, TextEncoding.AUTO, Set.of("png")))).extracting(Document::text)
                .containsExactly("not text");
    }

    @Test
    void paragraphAndLineRules() throws IOException {
        Path f = write("t.txt", "first para\nstill first\n\n  \n\nsecond\r\n\r\nthird\n");
        assertThat(read(new TextCorpus(f, SplitRule.PARAGRAPH))).extracting(Document::id, Document::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple("t.txt#p1", "first para\nstill first"),
                org.assertj.core.groups.Tuple.tuple("t.txt#p2", "second"),
                org.assertj.core.groups.Tuple.tuple("t.txt#p3", "third"));
        List<Document> lines = read(new TextCorpus(f, SplitRule.LINE));
        assertThat(lines).extracting(Document::text).containsExactly("first para", "still first", "second", "third");
        assertThat(lines).extracting(Document::id).containsExactly("t.txt#L1", "t.txt#L2", "t.txt#L6", "t.txt#L8");
        assertThat(lines).extracting(Document::group).containsOnly("t.txt");
        assertThat(SplitRule.parse("Paragraphs")).isEqualTo(SplitRule.PARAGRAPH);
        assertThatThrownBy(() -> SplitRule.parse("words")).hasMessageContaining("'words'");
    }

    @Test
    void identityChangesWhenAFileChanges() throws IOException {
        Path f = write("a.txt", "one");
        write("b.txt", "two");
        String before = new TextCorpus(dir, SplitRule.FILE).identity();
        assertThat(new TextCorpus(dir, SplitRule.FILE).identity()).isEqualTo(before);
        assertThat(new TextCorpus(dir, SplitRule.LINE).identity()).isNotEqualTo(before);
        assertThat(new TextCorpus(dir, SplitRule.FILE, TextEncoding.parse("latin-1"), TextCorpus.DEFAULT_EXTENSIONS).identity())
                .isNotEqualTo(before);
        Files.writeString(f, "one!");
        assertThat(new TextCorpus(dir, SplitRule.FILE).identity()).isNotEqualTo(before);
        Files.writeString(f, "two");
        Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000));
        String same = new TextCorpus(dir, SplitRule.FILE).identity();
        Files.setLastModifiedTime(f, FileTime.fromMillis(2_000_000));
        assertThat(new TextCorpus(dir, SplitRule.FILE).identity()).isNotEqualTo(same);
    }

    @Test
    void missingPathIsNamed() {
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> new TextCorpus(missing, SplitRule.FILE)).isInstanceOf(DataException.class)
                .hasMessage("corpus path does not exist: " + missing);
    }

    @Test
    void emptyFileAndEmptyFolderAreErrors() throws IOException {
        Path empty = write("empty.txt", "  \n");
        assertThatThrownBy(() -> new TextCorpus(empty, SplitRule.FILE).read(d -> { })).isInstanceOf(DataException.class)
                .hasMessage("corpus file " + empty + " is empty (no text besides white space)");
        Path folder = Files.createDirectories(dir.resolve("sub"));
        assertThatThrownBy(() -> new TextCorpus(folder, SplitRule.FILE)).isInstanceOf(DataException.class)
                .hasMessage("corpus folder " + folder + " contains no files ending in [.md, .txt]");
        Files.writeString(folder.resolve("a.txt"), "");
        Files.writeString(folder.resolve("b.md"), "\n\n");
        assertThatThrownBy(() -> new TextCorpus(folder, SplitRule.FILE).read(d -> { }))
                .hasMessage("corpus folder " + folder + " has no text: all 2 files are empty");
    }

    @Test
    void emptyFilesInsideAFolderAreSkippedWithANote() throws IOException {
        write("a.txt", "");
        write("b.txt", "text");
        DocumentSource.ReadReport r = new TextCorpus(dir, SplitRule.FILE).read(d -> { });
        assertThat(r.documents()).isEqualTo(1);
        assertThat(r.notes()).containsExactly("1 empty files skipped: a.txt");
    }

    @Test
    void nonUtf8FileIsNamedWithTheByteOffsetWhenUtf8IsAskedFor() throws IOException {
        write("good.txt", "fine");
        Path bad = dir.resolve("latin1.txt");
        Files.write(bad, "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
        TextCorpus utf8 = new TextCorpus(dir, SplitRule.FILE, TextEncoding.parse("utf-8"), TextCorpus.DEFAULT_EXTENSIONS);
        assertThatThrownBy(() -> utf8.read(d -> { })).isInstanceOf(DataException.class)
                .hasMessageStartingWith("corpus file " + bad + " is not valid UTF-8: invalid byte sequence at byte offset 3 (0xE9")
                .hasMessageContaining("set data.encoding = windows-1252");
        Path bom = dir.resolve("bom.md");
        byte[] bytes = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, 'o', 'k', (byte) 0x80};
        Files.write(bom, bytes);
        assertThatThrownBy(() -> new TextCorpus(bom, SplitRule.FILE).read(d -> { }))
                .hasMessageContaining("at byte offset 5 ");
    }

    @Test
    void filesThatAreNotUtf8AreReadAsWindows1252WithANoteByDefault() throws IOException {
        write("a.txt", "na\u00efve");
        for (String name : List.of("b.txt", "c.txt")) Files.write(dir.resolve(name), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        Files.write(dir.resolve("d.txt"), new byte[] {'x', (byte) 0x81});
        List<Document> docs = new ArrayList<>();
        DocumentSource.ReadReport r = new TextCorpus(dir, SplitRule.FILE).read(docs::add);
        assertThat(docs).extracting(Document::text).containsExactly("na\u00efve", "caf\u00e9", "caf\u00e9", "x\u0081");
        assertThat(r.notes()).containsExactly(
                "2 files are not UTF-8 and were read as windows-1252 (data.encoding = auto): b.txt (0xE9 at byte offset 3),"
                        + " c.txt (0xE9 at byte offset 3)",
                "1 file is not UTF-8 and was read as iso-8859-1 (data.encoding = auto): d.txt (0x81 at byte offset 1)");
    }

    @Test
    void autoSplitRuleCutsSingleFilesAndSmallFoldersByParagraphOrLine() throws IOException {
        assertThat(SplitRule.auto(1, 1, () -> true)).isEqualTo(SplitRule.PARAGRAPH);
        assertThat(SplitRule.auto(1, 1, () -> false)).isEqualTo(SplitRule.LINE);
        assertThat(SplitRule.auto(19, 1, () -> true)).isEqualTo(SplitRule.PARAGRAPH);
        assertThat(SplitRule.auto(20, 4, () -> { throw new AssertionError("a folder of enough files is not read"); }))
                .isEqualTo(SplitRule.FILE);
        assertThat(SplitRule.auto(20, 16, () -> true)).isEqualTo(SplitRule.PARAGRAPH);
        assertThat(SplitRule.auto(32, 16, () -> true)).isEqualTo(SplitRule.FILE);
        Path book = write("book.txt", "Chapter 1\r\n \r\nIt was a dark night.\r\n");
        Path lines = write("lines/a.txt", "one sentence\ntwo sentences\n");
        assertThat(new TextCorpus(book, SplitRule.FILE).hasBlankLines()).isTrue();
        assertThat(new TextCorpus(lines, SplitRule.FILE).hasBlankLines()).isFalse();
        Path utf16 = dir.resolve("utf16.txt");
        Files.write(utf16, "\uFEFFa\n\nb".getBytes(StandardCharsets.UTF_16LE));
        assertThat(new TextCorpus(utf16, SplitRule.FILE).hasBlankLines()).isTrue();
        assertThat(CorpusOptions.of(lines.toString()).autoSplitRule(4)).isEqualTo(SplitRule.LINE);
    }

    @Test
    void specPathsAndEuroparlAreResolved() throws IOException {
        write("x.txt", "x");
        assertThat(CorpusOptions.of("europarl").source()).isInstanceOf(EuroparlCorpus.class);
        assertThat(CorpusOptions.of(dir.toString()).source()).isInstanceOf(TextCorpus.class);
        Files.writeString(dir.resolve("x.txt"), "x\n\ny");
        assertThat(CorpusOptions.of(dir.resolve("x.txt").toString()).autoSplitRule(4)).isEqualTo(SplitRule.PARAGRAPH);
        for (int i = 0; i < 20; i++) write("more/" + i + ".md", "text " + i);
        assertThat(CorpusOptions.of(dir.resolve("more").toString()).autoSplitRule(4)).isEqualTo(SplitRule.FILE);
        assertThat(CorpusOptions.of(dir.resolve("more").toString()).autoSplitRule(12)).isEqualTo(SplitRule.LINE);   // 20 < 2 × 12, no blank lines
        assertThat(CorpusOptions.of("Europarl").autoSplitRule(4)).isEqualTo(SplitRule.FILE);
        assertThatThrownBy(() -> CorpusOptions.of(dir.resolve("missing").toString()).source())
                .isInstanceOf(DataException.class)
                .hasMessage("corpus '" + dir.resolve("missing") + "' is neither 'europarl' nor an existing file or folder ("
                        + dir.resolve("missing") + " does not exist)");
        assertThatThrownBy(() -> CorpusOptions.of(" ")).hasMessageContaining("corpus spec is empty");
    }
}
