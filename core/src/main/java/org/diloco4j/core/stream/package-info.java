/**
 * Streaming DiLoCo: the staggered fragment schedule with overlap
 * ({@link org.diloco4j.core.stream.StreamingSchedule}), the merge of a synced fragment into a
 * worker's parameters, per-fragment outer optimizer state, and peak-traffic accounting.
 */
package org.diloco4j.core.stream;
