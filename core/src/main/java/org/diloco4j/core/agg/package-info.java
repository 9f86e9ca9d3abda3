/**
 * Combining workers' pseudo-gradients: weight policies (uniform, shard size, staleness decay,
 * drop-if-stale) that return a decision and a reason, and a one-vector streaming weighted mean
 * ({@link org.diloco4j.core.agg.WeightedMean}) that reports what was included and dropped.
 */
package org.diloco4j.core.agg;
