package org.diloco4j.model.data.corpus;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.text.DocumentTable;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-group (language or file) counts of a corpus, largest first.
 *
 * @param groupKind what the groups are, e.g. {@code language}
 * @param groups    one row per group
 */
public record CorpusStats(String groupKind, List<Group> groups) {
    public record Group(String name, int documents, long bytes, long tokens) {
    }

    public CorpusStats {
        groups = List.copyOf(groups);
    }

    static CorpusStats of(String groupKind, DocumentTable t) {
        Map<String, long[]> acc = new LinkedHashMap<>();
        for (int d = 0; d < t.size(); d++) {
            long[] a = acc.computeIfAbsent(t.groupName(d), g -> new long[3]);
            a[0]++;
            a[1] += t.bytes(d);
            a[2] += t.tokens(d);
        }
        List<Group> rows = new ArrayList<>();
        acc.forEach((g, a) -> rows.add(new Group(g, (int) a[0], a[1], a[2])));
        rows.sort(Comparator.comparingLong(Group::bytes).reversed().thenComparing(Group::name));
        return new CorpusStats(groupKind, rows);
    }

    public int documents() {
        return groups.stream().mapToInt(Group::documents).sum();
    }

    public long bytes() {
        return groups.stream().mapToLong(Group::bytes).sum();
    }

    public long tokens() {
        return groups.stream().mapToLong(Group::tokens).sum();
    }

    public Group group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> new DataException("no " + groupKind + " '" + name + "' in this corpus"));
    }

    /** A table for logs and reports. */
    public String describe() {
        StringBuilder sb = new StringBuilder(String.format("%-12s %9s %14s %14s%n", groupKind, "documents", "bytes", "tokens"));
        for (Group g : groups) {
            sb.append(String.format("%-12s %,9d %,14d %,14d%n", g.name(), g.documents(), g.bytes(), g.tokens()));
        }
        return sb.append(String.format("%-12s %,9d %,14d %,14d%n", "total", documents(), bytes(), tokens())).toString();
    }
}
