package org.diloco4j.model.data.text;

import org.diloco4j.model.data.DataException;

import java.util.function.BooleanSupplier;

/** How a text file is cut into documents (the units of holdout and sharding). */
public enum SplitRule {
    /** One document per file. */
    FILE,
    /** One document per paragraph: runs of text separated by blank lines. */
    PARAGRAPH,
    /** One document per non-blank line. */
    LINE;

    /** The fewest files {@link #auto} cuts by file: below it one held-out file is over 5% of them. */
    public static final int AUTO_MIN_FILES = 20;
    /** Files per shard {@link #auto} wants before it cuts by file, so no shard is one or two whole files. */
    public static final int AUTO_FILES_PER_SHARD = 2;

    /**
     * The rule for a corpus of {@code files} text files dealt to {@code shards} shards when the user
     * did not choose one: {@link #FILE} for a folder of at least {@value #AUTO_MIN_FILES} files and
     * {@value #AUTO_FILES_PER_SHARD} per shard; otherwise {@link #PARAGRAPH}, or {@link #LINE} when the
     * text has no blank lines (one document per line, a common format for sentences or records).
     * Holdout and sharding move whole documents, so a single file (or a few books) cut by file cannot be
     * held out or shared between workers; cut finer, the files still group the documents, so a non-iid
     * split stays by file.
     *
     * @param blankLines whether the text has blank lines (paragraph breaks); asked only for few files
     */
    public static SplitRule auto(int files, int shards, BooleanSupplier blankLines) {
        if (files >= Math.max(AUTO_MIN_FILES, AUTO_FILES_PER_SHARD * shards)) return FILE;
        return blankLines.getAsBoolean() ? PARAGRAPH : LINE;
    }

    /** The name {@link #parse} reads: {@code file}, {@code paragraph} or {@code line}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static SplitRule parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "file", "files" -> FILE;
            case "paragraph", "paragraphs" -> PARAGRAPH;
            case "line", "lines" -> LINE;
            default -> throw new DataException("unknown document split rule '" + s + "': expected file, paragraph or line");
        };
    }
}
