package org.diloco4j.model.data.text;

import java.util.Objects;

/**
 * One document of a corpus: the unit that is held out for validation and assigned to shards, never
 * split between them.
 *
 * @param id    stable identity within its corpus (e.g. {@code europarl:123}, {@code notes/a.md#p4});
 *              the validation holdout hashes it, so it must not depend on reading order
 * @param group what a non-iid split groups by: a language code for Europarl, the source file otherwise
 * @param text  the text that is tokenized
 */
public record Document(String id, String group, String text) {
    public Document {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(text, "text");
    }
}
