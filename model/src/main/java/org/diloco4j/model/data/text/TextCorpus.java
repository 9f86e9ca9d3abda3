package org.diloco4j.model.data.text;

import org.diloco4j.model.data.DataException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Text files as a corpus: one file, or every matching file under a folder (recursively, in sorted
 * order of relative path; hidden files and folders, whose names start with '.', are skipped). Files
 * are read with a {@link TextEncoding} (UTF-8, Windows or Latin-1 text detected per file by default;
 * a leading byte-order mark is dropped). The group of every document is its file's relative path, so
 * a non-iid split is by source file.
 *
 * <p>The identity is the split rule, the encoding and the list of (relative path, size, mtime):
 * editing a file invalidates the token cache without hashing content on every start.
 */
public final class TextCorpus implements DocumentSource {
    public static final Set<String> DEFAULT_EXTENSIONS = Set.of("txt", "md");
    private static final Pattern BLANK_LINES = Pattern.compile("\\R[\\h\\x0B\\f]*\\R(?:[\\h\\x0B\\f]*\\R)*");
    private static final Pattern LINE_BREAK = Pattern.compile("\\R");
    private static final int SAMPLE_BYTES = 1 << 16;

    private final Path root;
    private final boolean singleFile;
    private final SplitRule rule;
    private final TextEncoding encoding;
    private final Set<String> extensions;
    private final List<Path> files;

    public TextCorpus(Path root, SplitRule rule) {
        this(root, rule, TextEncoding.AUTO, DEFAULT_EXTENSIONS);
    }

    /** @param extensions file name endings (without dot, case-insensitive) taken from a folder; ignored for a single file */
    public TextCorpus(Path root, SplitRule rule, TextEncoding encoding, Set<String> extensions) {
        this.root = root.toAbsolutePath().normalize();
        this.rule = rule;
        this.encoding = encoding;
        this.extensions = Set.copyOf(extensions.stream().map(e -> e.toLowerCase(Locale.ROOT)).toList());
        if (!Files.exists(this.root)) throw new DataException("corpus path does not exist: " + this.root);
        if (!Files.isReadable(this.root)) throw new DataException("corpus path is not readable: " + this.root);
        this.singleFile = Files.isRegularFile(this.root);
        this.files = singleFile ? List.of(this.root) : listFiles();
        if (files.isEmpty()) {
            throw new DataException("corpus folder " + this.root + " contains no files ending in "
                    + this.extensions.stream().sorted().map(e -> "." + e).toList());
        }
    }

    /** The files read, in reading order. */
    public List<Path> files() {
        return files;
    }

    /**
     * Whether any file has a blank line (a paragraph break) in its first {@value #SAMPLE_BYTES} bytes.
     * Read as bytes whatever the encoding: line breaks are ASCII in every encoding this reads, and NUL
     * bytes are dropped so UTF-16 text is seen as its ASCII letters.
     */
    public boolean hasBlankLines() {
        for (Path f : files) {
            byte[] head = new byte[SAMPLE_BYTES];
            int n;
            try (InputStream in = Files.newInputStream(f)) {
                n = in.readNBytes(head, 0, head.length);
            } catch (IOException e) {
                throw new DataException("cannot read corpus file " + f + ": " + e.getMessage(), e);
            }
            String sample = new String(head, 0, n, StandardCharsets.ISO_8859_1).replace("\0", "");
            if (BLANK_LINES.matcher(sample).find()) return true;
        }
        return false;
    }

    @Override
    public String name() {
        Path f = root.getFileName();
        return f == null ? "root" : f.toString();
    }

    @Override
    public String identity() {
        StringBuilder sb = new StringBuilder("files|").append(root).append('|').append(rule)
                .append("|encoding=").append(encoding.label());
        for (Path f : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                sb.append('|').append(relative(f)).append(':').append(a.size()).append(':')
                        .append(a.lastModifiedTime().toMillis());
            } catch (IOException e) {
                throw new DataException("cannot read attributes of " + f + ": " + e.getMessage(), e);
            }
        }
        return sb.toString();
    }

    @Override
    public String groupKind() {
        return "file";
    }

    @Override
    public ReadReport read(Consumer<Document> sink) {
        int documents = 0;
        List<String> emptyFiles = new ArrayList<>();
        List<NotUtf8> notUtf8 = new ArrayList<>();
        for (Path f : files) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(f);
            } catch (IOException e) {
                throw new DataException("cannot read corpus file " + f + ": " + e.getMessage(), e);
            } catch (OutOfMemoryError e) {
                throw new DataException("corpus file " + f + " is too large to read at once; split it into smaller files", e);
            }
            String rel = relative(f);
            TextDecoder.Decoded decoded = TextDecoder.decode(encoding, bytes, "corpus file " + f);
            if (decoded.notUtf8() != null) notUtf8.add(new NotUtf8(rel, decoded));
            String text = decoded.text();
            int before = documents;
            for (Document d : split(rel, text)) {
                sink.accept(d);
                documents++;
            }
            if (documents == before) emptyFiles.add(rel);
        }
        if (documents == 0) {
            throw new DataException(singleFile ? "corpus file " + root + " is empty (no text besides white space)"
                    : "corpus folder " + root + " has no text: all " + files.size() + " files are empty");
        }
        List<String> notes = new ArrayList<>();
        if (!emptyFiles.isEmpty()) {
            notes.add(emptyFiles.size() + " empty files skipped: " + String.join(", ", emptyFiles.subList(0, Math.min(5,
                    emptyFiles.size()))) + (emptyFiles.size() > 5 ? ", ..." : ""));
        }
        notes.addAll(NotUtf8.notes(notUtf8));
        return new ReadReport(documents, notes);
    }

    /** A file that auto-detection did not read as UTF-8. */
    private record NotUtf8(String file, TextDecoder.Decoded decoded) {
        /** One note per charset used, naming the files and where each stopped being UTF-8. */
        static List<String> notes(List<NotUtf8> files) {
            Map<Charset, List<String>> byCharset = new LinkedHashMap<>();
            for (NotUtf8 n : files) {
                byCharset.computeIfAbsent(n.decoded().charset(), c -> new ArrayList<>()).add(n.file() + " (" + n.decoded().notUtf8() + ")");
            }
            List<String> out = new ArrayList<>();
            byCharset.forEach((charset, names) -> out.add((names.size() == 1 ? "1 file is" : names.size() + " files are")
                    + " not UTF-8 and " + (names.size() == 1 ? "was" : "were") + " read as " + TextDecoder.name(charset)
                    + " (data.encoding = auto): " + String.join(", ", names.subList(0, Math.min(5, names.size())))
                    + (names.size() > 5 ? ", ..." : "")));
            return out;
        }
    }

    private List<Document> split(String rel, String text) {
        List<Document> out = new ArrayList<>();
        switch (rule) {
            case FILE -> {
                if (!text.isBlank()) out.add(new Document(rel, rel, text));
            }
            case PARAGRAPH -> {
                int n = 0;
                for (String p : BLANK_LINES.split(text)) {
                    n++;
                    if (!p.isBlank()) out.add(new Document(rel + "#p" + n, rel, p.strip()));
                }
            }
            case LINE -> {
                int n = 0;
                for (String l : LINE_BREAK.split(text)) {
                    n++;
                    if (!l.isBlank()) out.add(new Document(rel + "#L" + n, rel, l));
                }
            }
        }
        return out;
    }

    private String relative(Path f) {
        return singleFile ? f.getFileName().toString() : root.relativize(f).toString().replace('\\', '/');
    }

    private List<Path> listFiles() {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> !hidden(p))
                    .filter(Files::isRegularFile)
                    .filter(this::matches)
                    .sorted(Comparator.comparing(this::relative))
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new DataException("cannot list corpus folder " + root + ": " + e.getMessage(), e);
        }
    }

    private boolean hidden(Path p) {
        Path rel = root.relativize(p);
        for (Path part : rel) if (part.toString().startsWith(".")) return true;
        return false;
    }

    private boolean matches(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot >= 0 && extensions.contains(n.substring(dot + 1));
    }
}
