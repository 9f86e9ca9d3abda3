package org.diloco4j.model.data.text;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.Mix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses validation documents by a hash of (seed, document id): document d is held out when
 * {@code u(d) < fraction}, with u uniform in [0, 1). The choice of one document never depends on the
 * others, so adding files to a corpus does not move existing documents between train and validation.
 *
 * <p>A minimum of validation tokens raises the threshold for small corpora: documents are then held
 * out in increasing order of u until the validation set holds that many tokens, but never more than
 * half the corpus's tokens (a corpus that small stays short and the caller says what to change). It
 * is still a threshold on u, so the choice stays independent of reading order.
 */
public final class Holdout {
    private Holdout() {
    }

    public static Split split(DocumentTable docs, double fraction, long seed) {
        return split(docs, fraction, seed, 0);
    }

    public static Split split(DocumentTable docs, double fraction, long seed, long minValidationTokens) {
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
        if (fraction > 0) heldCount += raiseToMinimum(docs, u, held, minValidationTokens);
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

    /**
     * A tuning split: the validation documents of {@code report} stay out of training, and the next
     * documents in the same order of u (the smallest u among the training documents) are held out
     * as the tuning set until it holds as many tokens as the validation set — with the usual
     * fraction, the documents with fraction ≤ u &lt; ~2·fraction. A tuning run trains on what is left
     * and is scored on the tuning set, never on the documents every run reports on.
     *
     * @throws DataException if the corpus cannot spare that many tokens (half of it stays for training)
     */
    public static Split tune(DocumentTable docs, Split report) {
        int n = docs.size();
        boolean[] out = new boolean[n];
        long total = 0;
        for (int d = 0; d < n; d++) total += docs.tokens(d);
        for (int d : report.validation()) out[d] = true;
        List<Integer> candidates = new ArrayList<>();
        for (int d : report.train()) candidates.add(d);
        candidates.sort(Comparator.comparingDouble((Integer d) -> Mix.unit(Mix.hash(report.seed(), docs.id(d)))).thenComparing(d -> d));
        List<Integer> tune = new ArrayList<>();
        long tuneTokens = 0;
        for (int i = 0; i < candidates.size() - 1 && tuneTokens < report.validationTokens(); i++) {
            int d = candidates.get(i);
            tune.add(d);
            tuneTokens += docs.tokens(d);
        }
        if (tuneTokens < report.validationTokens() || 2 * (report.validationTokens() + tuneTokens) > total) {
            throw new DataException("corpus is too small to hold out a tuning set as large as its validation set ("
                    + String.format("%,d", report.validationTokens()) + " tokens) and still train on half of it; tune on a larger corpus");
        }
        for (int d : tune) out[d] = true;
        int[] val = tune.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] train = java.util.stream.IntStream.range(0, n).filter(d -> !out[d]).toArray();
        return new Split(train, val, report.validationFraction(), report.seed(), docs.tokens(train), docs.tokens(val));
    }

    /** Holds out more documents, smallest u first, until {@code min} tokens or half the corpus; returns how many. */
    private static int raiseToMinimum(DocumentTable docs, double[] u, boolean[] held, long min) {
        long total = 0;
        long heldTokens = 0;
        List<Integer> candidates = new ArrayList<>();
        for (int d = 0; d < u.length; d++) {
            total += docs.tokens(d);
            if (held[d]) heldTokens += docs.tokens(d);
            else candidates.add(d);
        }
        if (heldTokens >= min) return 0;
        candidates.sort(Comparator.comparingDouble((Integer d) -> u[d]).thenComparing(d -> d));
        int added = 0;
        // The last candidate always stays: training needs a document.
        for (int i = 0; i < candidates.size() - 1 && heldTokens < min; i++) {
            int d = candidates.get(i);
            if (2 * (heldTokens + docs.tokens(d)) > total) break;
            held[d] = true;
            heldTokens += docs.tokens(d);
            added++;
        }
        return added;
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
