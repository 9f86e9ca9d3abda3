package org.diloco4j.core.coord;

import org.diloco4j.core.agg.DropCause;
import java.util.List;

/**
 * Structured records the coordinator emits: one per outer step and one per decision that leaves
 * someone out. They feed the progress line, {@code metrics.jsonl} and the report alike.
 */
public sealed interface Metric {
    double time();

    /**
     * An outer update was applied to θ (or to one fragment of it).
     *
     * @param step         outer steps applied so far, this one included
     * @param version      θ version after the update
     * @param fragment     fragment updated (0 when there is one)
     * @param contributors member ids whose pseudo-gradients were applied
     * @param staleness    staleness of each contribution, same order (0 in synchronous modes)
     * @param weights      aggregation weight of each contribution, same order
     * @param members      members alive at the time
     * @param tokens       tokens reported by all workers so far
     * @param bytesUp      bytes received by the coordinator so far
     * @param bytesDown    bytes sent by the coordinator so far
     * @param deltaNorm    L2 norm of the applied (aggregated) pseudo-gradient; NaN in phantom runs
     */
    record OuterStep(long step, long version, int fragment, List<Integer> contributors, List<Long> staleness,
                     List<Double> weights, int members, long tokens, long bytesUp, long bytesDown,
                     double deltaNorm, double time) implements Metric {
    }

    /**
     * A decision about a member: joined, dropped from a round, rejected, evicted, lost. Always with a reason.
     *
     * @param kind   what was decided; drivers act on commands, never on these records
     * @param member member id, or -1 when it concerns the run (or a join refused before it had an id)
     * @param cause  for a {@link DecisionKind#DROP} the coordinator made, why, as a code (monitoring
     *               classifies drops by it); null for the other kinds, and for decisions read back from
     *               metrics.jsonl, which does not hold it (its keys are as they were before the code existed)
     */
    record Decision(DecisionKind kind, int member, String reason, double time, DropCause cause) implements Metric {
        public Decision {
            if (cause != null && kind != DecisionKind.DROP) throw new IllegalArgumentException("only a drop has a drop cause: " + kind + " " + cause);
        }

        /** A decision without a drop cause. */
        public Decision(DecisionKind kind, int member, String reason, double time) {
            this(kind, member, reason, time, null);
        }
    }

    /**
     * The global θ evaluated on held-out data (drivers emit these; the coordinator never evaluates).
     *
     * @param tokens    tokens trained so far
     * @param version   θ version evaluated
     * @param loss        mean held-out cross-entropy (nats per token)
     * @param bitsPerByte the same loss in bits per UTF-8 byte of the evaluated text (comparable across
     *                    tokenizers); NaN when the evaluator does not know the bytes
     * @param bytesUp     bytes received by the coordinator so far
     * @param bytesDown   bytes sent by the coordinator so far
     */
    record Eval(long tokens, long version, double loss, double bitsPerByte, long bytesUp, long bytesDown, double time)
            implements Metric {
        public double perplexity() {
            return Math.exp(loss);
        }
    }

    /**
     * A worker's inner training loss, sampled, with what its optimizer saw over the same steps.
     *
     * @param worker          worker name
     * @param step            the worker's own inner step counter after the sampled steps
     * @param loss            mean training loss over the steps since the previous sample
     * @param lr              inner learning rate of the last of those steps; NaN if unknown
     * @param gradNorm        mean global gradient norm before clipping over those steps; NaN if unknown
     * @param tokensPerSecond tokens of those steps per real (wall-clock) second of computing them; NaN if unknown
     */
    record TrainLoss(String worker, long step, double loss, double lr, double gradNorm, double tokensPerSecond, double time)
            implements Metric {
    }
}
