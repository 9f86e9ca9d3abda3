package org.diloco4j.sim;

import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.MetricSink;
import org.diloco4j.core.train.EvalResult;
import org.diloco4j.core.train.Evaluator;

/**
 * When and how the simulator evaluates the global θ: at the start, each time another
 * {@code evalEveryTokens} tokens were trained, and at the end unless θ has not changed since the
 * last evaluation. Each evaluation is emitted as a {@link Metric.Eval}. Holds no state of its own.
 *
 * @param evaluator null: nothing is evaluated
 */
record Evaluation(SimState s, Evaluator evaluator, long everyTokens, MetricSink sink) {
    /** An outer step brought the run to {@code tokens}: evaluates if another interval is complete. */
    void outerStep(long tokens) {
        if (evaluator != null && everyTokens > 0 && tokens >= s.nextEvalTokens) {
            while (s.nextEvalTokens <= tokens) s.nextEvalTokens += everyTokens;
            evaluate(tokens);
        }
    }

    /** The evaluation of θ at the end: the last one if θ has not changed since. */
    EvalResult last() {
        if (s.lastEval == null || s.lastEvalVersion != s.coordinator.version()) evaluate(s.coordinator.tokens());
        return s.lastEval;
    }

    /** Evaluates θ now; null if there is no evaluator or no θ (a timing-only run). */
    EvalResult evaluate(long tokens) {
        if (evaluator == null || s.coordinator.theta() == null) return null;
        EvalResult r = evaluator.evaluate(s.coordinator.theta());
        s.lastEval = r;
        s.lastEvalVersion = s.coordinator.version();
        sink.emit(new Metric.Eval(tokens, s.coordinator.version(), r.loss(), r.bitsPerByte(), s.coordinator.ledger().up(),
                s.coordinator.ledger().down(), s.queue.now()));
        return r;
    }
}
