package org.diloco4j.model.data.text;

import java.util.List;

/**
 * Where each document of a tokenized corpus lives in its token array, with its id and group.
 * Document i holds tokens {@code [start(i), start(i) + tokens(i))}, the last being end-of-text.
 * Parallel arrays rather than a list of records, since line-split corpora can hold millions.
 */
public final class DocumentTable {
    private final String[] ids;
    private final int[] groups;
    private final long[] starts;
    private final long[] lengths;
    private final long[] bytes;
    private final List<String> groupNames;

    public DocumentTable(String[] ids, int[] groups, long[] starts, long[] lengths, long[] bytes, List<String> groupNames) {
        int n = ids.length;
        if (groups.length != n || starts.length != n || lengths.length != n || bytes.length != n) {
            throw new IllegalArgumentException("document table arrays differ in length");
        }
        this.ids = ids;
        this.groups = groups;
        this.starts = starts;
        this.lengths = lengths;
        this.bytes = bytes;
        this.groupNames = List.copyOf(groupNames);
    }

    public int size() {
        return ids.length;
    }

    public String id(int doc) {
        return ids[doc];
    }

    /** Index into {@link #groupNames()}. */
    public int group(int doc) {
        return groups[doc];
    }

    public String groupName(int doc) {
        return groupNames.get(groups[doc]);
    }

    /** Distinct groups (languages or files), in order of first appearance. */
    public List<String> groupNames() {
        return groupNames;
    }

    /** First token of the document in the corpus token array. */
    public long start(int doc) {
        return starts[doc];
    }

    /** Tokens of the document, including its end-of-text token. */
    public long tokens(int doc) {
        return lengths[doc];
    }

    /** UTF-8 bytes of the document's text. */
    public long bytes(int doc) {
        return bytes[doc];
    }

    public long tokens(int[] docs) {
        long t = 0;
        for (int d : docs) t += lengths[d];
        return t;
    }
}
