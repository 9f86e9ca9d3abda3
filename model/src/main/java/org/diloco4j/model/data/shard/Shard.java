package org.diloco4j.model.data.shard;

import org.diloco4j.model.data.text.DocumentTable;

import java.util.List;

/**
 * One worker's share of the training documents.
 *
 * @param index     0-based shard number
 * @param label     short description, e.g. {@code iid}, {@code de}, {@code de 2/3}, {@code fi+et}
 * @param groups    the groups (languages or files) it holds documents of, for non-iid shards
 * @param documents indices into the corpus's {@link DocumentTable}, ascending
 * @param tokens    |D_i|, the shard size used for weighting pseudo-gradients
 */
public record Shard(int index, String label, List<String> groups, int[] documents, long tokens) {
    public Shard {
        groups = List.copyOf(groups);
        if (documents.length == 0) throw new IllegalArgumentException("shard " + index + " has no documents");
    }
}
