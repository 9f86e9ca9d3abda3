package org.diloco4j.model.data;

/**
 * Chooses validation documents by a hash of (seed, document id): document d is held out when
 * {@code u(d) < fraction}, with u uniform in [0, 1). The choice of one document never depends on the
 * others, so adding files to a corpus does not move existing documents between train and validation.
 */
final class Holdout {
    private Holdout() {
    }

    static Split split(DocumentTable docs, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new DataException("validation fraction " + fraction + " must be in [0, 1)");
        }
        int n = docs.size();
        if (fraction > 0 && n < 2) {
            throw new DataException("corpus has " + n + " document; holding out whole documents for validation needs"
                    + " at least 2 (split files into paragraphs or lines, or use validation fraction 0)");
        }
        double[] u = new double[n];
        boolean[] held = new boolean[n];
        int heldCount = 0;
        for (int d = 0; d < n; d++) {
            u[d] = Mix.unit(Mix.hash(seed, docs.id(d)));
            held[d] = u[d] < fraction;
            if (held[d]) heldCount++;
        }
        // Tiny corpora: a positive fraction must still hold out one document and leave one for training.
        if (fraction > 0 && heldCount == 0) {
            held[argExtreme(u, held, false, true)] = true;
            heldCount++;
        }
        if (heldCount == n) {
            held[argExtreme(u, held, true, false)] = false;
            heldCount--;
        }
        int[] train = new int[n - heldCount];
        int[] val = new int[heldCount];
        int ti = 0;
        int vi = 0;
        for (int d = 0; d < n; d++) {
            if (held[d]) val[vi++] = d;
            else train[ti++] = d;
        }
        return new Split(train, val, fraction, seed, docs.tokens(train), docs.tokens(val));
    }

    /** Index of the smallest (or largest) u among documents whose held flag equals {@code among}. */
    private static int argExtreme(double[] u, boolean[] held, boolean among, boolean smallest) {
        int best = -1;
        for (int d = 0; d < u.length; d++) {
            if (held[d] != among) continue;
            if (best < 0 || (smallest ? u[d] < u[best] : u[d] > u[best])) best = d;
        }
        return best;
    }
}
