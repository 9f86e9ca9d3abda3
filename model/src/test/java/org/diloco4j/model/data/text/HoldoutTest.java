package org.diloco4j.model.data.text;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.TestData;
import org.diloco4j.model.data.batch.EvalSet;
import org.diloco4j.model.data.corpus.Corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HoldoutTest {
    @TempDir
    Path cache;

    private Set<String> ids(Corpus c, int[] docs) {
        return Arrays.stream(docs).mapToObj(d -> c.documents().id(d)).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void wholeDocumentsDisjointCompleteAndDeterministic() {
        Corpus c = TestData.load(TestData.documents(2_000, 40, "a", "b"), cache);
        Split s = c.split(0.1, 42);
        assertThat(s.validation().length).isBetween(150, 250);
        int[] all = IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())).sorted().toArray();
        assertThat(all).isEqualTo(IntStream.range(0, 2_000).toArray());
        assertThat(s.train()).isSorted();
        assertThat(s.validation()).isSorted();
        assertThat(s.trainTokens() + s.validationTokens()).isEqualTo(c.tokens().size());
        Split again = c.split(0.1, 42);
        assertThat(again.validation()).isEqualTo(s.validation());
        assertThat(c.split(0.1, 43).validation()).isNotEqualTo(s.validation());
    }

    @Test
    void addingDocumentsDoesNotMoveExistingOnes() {
        Corpus small = TestData.load(TestData.documents(500, 20, "g"), cache);
        Corpus big = TestData.load(TestData.documents(1_500, 20, "g"), cache);
        Set<String> smallVal = ids(small, small.split(0.2, 7).validation());
        Set<String> bigVal = ids(big, big.split(0.2, 7).validation());
        Set<String> bigValAmongFirst500 = bigVal.stream().filter(id -> Integer.parseInt(id.substring(1)) < 500)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(bigValAmongFirst500).isEqualTo(smallVal);
    }

    @Test
    void tinyCorporaStillHoldOutOneAndTrainOnOne() {
        Corpus two = TestData.load(TestData.documents(2, 20, "g"), cache);
        Split s = two.split(0.001, 1);
        assertThat(s.validation()).hasSize(1);
        assertThat(s.train()).hasSize(1);
        Split most = two.split(0.999, 1);
        assertThat(most.train()).hasSize(1);
        assertThat(two.split(0.0, 1).validation()).isEmpty();
    }

    @Test
    void aMinimumOfValidationTokensHoldsOutMoreDocumentsUpToHalfTheCorpus() {
        Corpus c = TestData.load(TestData.documents(200, 20, "g"), cache);
        long total = c.tokens().size();
        Split plain = c.split(0.02, 9);
        assertThat(c.split(0.02, 9, plain.validationTokens()).validation()).isEqualTo(plain.validation());
        Split raised = c.split(0.02, 9, 1_000);
        assertThat(raised.validationTokens()).isBetween(1_000L, 1_000L + 40);
        assertThat(ids(c, raised.validation())).containsAll(ids(c, plain.validation()));
        assertThat(raised.trainTokens() + raised.validationTokens()).isEqualTo(total);
        assertThat(raised.validationFraction()).isEqualTo(0.02);
        // Still a threshold on the hash: a larger fraction that holds as many documents holds the same ones.
        double lo = 0.02;
        double hi = 0.99;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (c.split(mid, 9).validation().length < raised.validation().length) lo = mid;
            else hi = mid;
        }
        assertThat(c.split(hi, 9).validation()).isEqualTo(raised.validation());
        Split capped = c.split(0.02, 9, total);
        assertThat(capped.validationTokens() * 2).isLessThanOrEqualTo(total);
        assertThat(capped.validationTokens() * 2).isGreaterThan(total - 2 * 40);
        assertThat(c.split(0.0, 9, 1_000).validation()).isEmpty();
    }

    @Test
    void badFractionsAndSingleDocumentAreErrors() {
        Corpus two = TestData.load(TestData.documents(2, 20, "g"), cache);
        for (double f : new double[] {1.0, -0.1, Double.NaN}) {
            assertThatThrownBy(() -> two.split(f, 1)).isInstanceOf(DataException.class)
                    .hasMessage("validation fraction " + f + " must be in [0, 1)");
        }
        Corpus one = TestData.load(TestData.documents(1, 20, "g"), cache);
        assertThatThrownBy(() -> one.split(0.05, 1)).isInstanceOf(DataException.class)
                .hasMessage("corpus has 1 document; holding out whole documents for validation needs at least 2"
                        + " (split files into paragraphs or lines, or use validation fraction 0)");
        assertThat(one.split(0, 1).train()).containsExactly(0);
    }

    @Test
    void aTuningRunIsScoredOnDisjointDocumentsOfTheValidationSetsSizeAndTrainsOnNeither() {
        Corpus c = TestData.load(TestData.documents(2_000, 40, "a", "b"), cache);
        Split report = c.split(0.1, 42, 0, EvalSet.REPORT);
        Split tune = c.split(0.1, 42, 0, EvalSet.TUNE);
        assertThat(report.validation()).isEqualTo(c.split(0.1, 42).validation());
        assertThat(ids(c, tune.validation())).doesNotContainAnyElementsOf(ids(c, report.validation()));
        assertThat(tune.validationTokens()).isBetween(report.validationTokens(), report.validationTokens() + 40 * 2);
        // The tuning run trains on everything but both held-out sets.
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(tune.train()), Arrays.stream(tune.validation())),
                Arrays.stream(report.validation())).sorted().toArray();
        assertThat(all).isEqualTo(IntStream.range(0, 2_000).toArray());
        assertThat(tune.train()).isSorted();
        assertThat(tune.validation()).isSorted();
        assertThat(c.split(0.1, 42, 0, EvalSet.TUNE).validation()).isEqualTo(tune.validation());
        // A corpus that cannot spare a second held-out set says so.
        Corpus tiny = TestData.load(TestData.documents(4, 40, "t"), cache);
        assertThatThrownBy(() -> tiny.split(0.3, 1, 0, EvalSet.TUNE)).isInstanceOf(DataException.class)
                .hasMessageContaining("too small to hold out a tuning set");
    }
}
