package org.diloco4j.sim.toy;

import org.diloco4j.core.train.EvalResult;
import org.diloco4j.core.train.Evaluator;

import java.util.SplittableRandom;

/** Loss of a θ on a fixed held-out sample of the shard mixture. */
public final class ToyEvaluator implements Evaluator {
    private final ToyProblem problem;
    private final float[] x;
    private final float[] y;
    private final int n;

    public ToyEvaluator(ToyProblem problem, int examples, long seed) {
        this.problem = problem;
        this.n = examples;
        this.x = new float[examples * problem.in()];
        this.y = new float[examples * problem.out()];
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int e = 0; e < examples; e++) problem.sample(-1, r, x, e * problem.in(), y, e * problem.out());
    }

    @Override
    public EvalResult evaluate(float[] theta) {
        return new EvalResult(problem.loss(theta, x, y, n), n);
    }
}
