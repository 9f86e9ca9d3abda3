package org.diloco4j.model.data.text;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where documents come from: the built-in Europarl sample, files on disk, or a list in memory.
 * Reading happens only when the token cache misses, so {@link #identity()} must be cheap and must
 * change whenever {@link #read} could return different documents.
 */
public interface DocumentSource {
    /** Short human-readable name, e.g. {@code europarl} or a folder name; used in messages and file names. */
    String name();

    /** Cache key material: changes whenever the documents could change (versions, paths, sizes, mtimes). */
    String identity();

    /** What documents are grouped by for a non-iid split, e.g. {@code language} or {@code file}. */
    String groupKind();

    /** Streams every document, always in the same order, and reports what was skipped or repaired. */
    ReadReport read(Consumer<Document> sink);

    /**
     * @param documents documents passed to the sink
     * @param notes     human-readable remarks about skipped or repaired input (empty when clean)
     */
    record ReadReport(int documents, List<String> notes) {
        public ReadReport {
            notes = List.copyOf(notes);
        }
    }
}
