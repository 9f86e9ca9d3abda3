/**
 * Documents to token ids and back: the {@link org.diloco4j.model.data.token.Tokenizer}s (bytes, GPT-2),
 * the on-disk token cache ({@link org.diloco4j.model.data.token.TokenCache} over a checksummed,
 * memory-mapped {@link org.diloco4j.model.data.token.TokenFile}) and
 * {@link org.diloco4j.model.data.token.TokenStream}, which reads a set of documents as one run of tokens.
 * Depends on {@code data.text} for documents.
 */
package org.diloco4j.model.data.token;
