package org.diloco4j.core.optim;

/** Checks on hyper-parameters shared by the optimizers, with messages naming the value and the allowed range. */
final class Hyper {
    private Hyper() {
    }

    static int size(int size) {
        if (size < 0) throw new IllegalArgumentException("optimizer size must be >= 0, got " + size);
        return size;
    }

    static float lr(double lr) {
        if (!(lr > 0) || !Double.isFinite(lr) || !Float.isFinite((float) lr) || (float) lr == 0f) {
            throw new IllegalArgumentException("outer learning rate must be a finite number > 0, got " + lr);
        }
        return (float) lr;
    }

    static float momentum(double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("outer momentum must be in [0, 1), got " + momentum);
        }
        return (float) momentum;
    }

    static void vectors(int size, float[] theta, float[] g) {
        if (theta.length != size || g.length != size) {
            throw new IllegalArgumentException("outer step on vectors of length theta=" + theta.length + ", g=" + g.length
                    + " but this optimizer was made for length " + size);
        }
    }
}
