/**
 * Streaming ingest of encoded pseudo-gradients: checked, then decoded block by block into small
 * per-thread buffers and applied straight into θ and the optimizer state over all cores, so the
 * coordinator never holds a fragment's pseudo-gradient as one fp32 vector (nor as one byte array).
 */
package org.diloco4j.core.ingest;
