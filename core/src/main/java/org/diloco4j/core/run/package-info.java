/**
 * What a run did, in words both drivers share: a worker's time as {@link org.diloco4j.core.run.Segment}s
 * of one {@link org.diloco4j.core.run.Segment.Kind}, and the totals of a finished run
 * ({@link org.diloco4j.core.run.RunResult}). Here, in core, because the simulator and the network
 * runtime both depend on core and on neither other: each maps its own totals to these types, and the
 * run directory (summary.json, the segment events of metrics.jsonl, the report) is written from them
 * without knowing which driver ran.
 */
package org.diloco4j.core.run;
