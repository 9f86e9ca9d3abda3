package org.diloco4j.app.run;

import org.diloco4j.app.config.Resolver;
import org.diloco4j.app.config.RunConfig;
import org.diloco4j.app.report.Fmt;

import java.util.Locale;
import java.util.function.Consumer;

/**
 * Comparisons at equal tokens. Synchronous DiLoCo stops at the end of a round (a shortened last
 * round mostly re-applies the outer momentum of the rounds before it, which measurably hurt), while
 * DDP's and asynchronous assignments are trimmed to the budget by the coordinator; so a budget that is a whole
 * number of rounds — workers × H × batch × context tokens — is trained exactly by every method.
 */
public final class EqualTokens {
    private EqualTokens() {
    }

    /** Tokens of one synchronous round of {@code base} (resolved as the runs will be). */
    public static long round(RunConfig base) {
        RunConfig r = Resolver.resolve(base);
        return (long) r.workers().size() * r.integer("outer.inner_steps") * r.integer("train.batch") * r.integer("model.context");
    }

    /** {@code tokens} rounded to the nearest whole number (≥ 1) of rounds of {@code round} tokens, said on {@code log} when it changes. */
    public static long wholeRounds(long tokens, long round, String what, Consumer<String> log) {
        long n = Math.max(1, Math.round((double) tokens / round));
        if (n * round != tokens) {
            log.accept(String.format(Locale.ROOT, "%s %s → %s (%d whole rounds of %s tokens, so that every method trains the same tokens)",
                    what, Fmt.tokens(tokens), Fmt.tokens(n * round), n, Fmt.tokens(round)));
        }
        return n * round;
    }
}
