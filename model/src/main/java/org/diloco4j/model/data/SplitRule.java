package org.diloco4j.model.data;

/** How a text file is cut into documents (the units of holdout and sharding). */
public enum SplitRule {
    /** One document per file. */
    FILE,
    /** One document per paragraph: runs of text separated by blank lines. */
    PARAGRAPH,
    /** One document per non-blank line. */
    LINE;

    public static SplitRule parse(String s) {
        return switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "file", "files" -> FILE;
            case "paragraph", "paragraphs" -> PARAGRAPH;
            case "line", "lines" -> LINE;
            default -> throw new DataException("unknown document split rule '" + s + "': expected file, paragraph or line");
        };
    }
}
