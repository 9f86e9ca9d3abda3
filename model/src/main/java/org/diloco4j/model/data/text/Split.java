package org.diloco4j.model.data.text;

/**
 * Training and validation documents: whole documents only, disjoint, each array sorted ascending.
 *
 * @param train              indices into the corpus's {@link DocumentTable}
 * @param validation         indices of held-out documents
 * @param validationFraction the fraction asked for
 * @param seed               the seed of the holdout hash
 * @param trainTokens        tokens of the training documents
 * @param validationTokens   tokens of the validation documents
 */
public record Split(int[] train, int[] validation, double validationFraction, long seed, long trainTokens,
                    long validationTokens) {
}
