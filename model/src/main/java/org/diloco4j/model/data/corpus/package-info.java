/**
 * The facade over the pipeline: {@link org.diloco4j.model.data.corpus.Corpus} loads a corpus through the
 * token cache and hands out splits, shards and batch sources;
 * {@link org.diloco4j.model.data.corpus.CorpusOptions} says which corpus and tokenizer, and
 * {@link org.diloco4j.model.data.corpus.CorpusStats} describes what was loaded. The only subpackage that
 * depends on all the others.
 */
package org.diloco4j.model.data.corpus;
