/**
 * Text in, documents out: the corpora ({@link org.diloco4j.model.data.text.EuroparlCorpus},
 * {@link org.diloco4j.model.data.text.TextCorpus}), how files are decoded and cut into documents
 * (TextDecoder, {@link org.diloco4j.model.data.text.TextEncoding}, {@link org.diloco4j.model.data.text.SplitRule}),
 * the language identifier that groups Europarl lines, the {@link org.diloco4j.model.data.text.DocumentTable}
 * every later stage indexes by, and the train/validation {@link org.diloco4j.model.data.text.Split} made by
 * {@link org.diloco4j.model.data.text.Holdout}. Depends on nothing else in the pipeline.
 */
package org.diloco4j.model.data.text;
