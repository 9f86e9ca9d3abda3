package org.diloco4j.core.coord;

import org.diloco4j.core.agg.WeightingConfig;
import org.diloco4j.core.codec.ThetaDownlink;
import org.diloco4j.core.optim.OuterOptimizerConfig;

import java.util.Arrays;

/**
 * Everything the coordinator's policies need, validated once. Build with {@link #builder()}.
 *
 * @param method          protocol
 * @param innerSteps      H: inner steps per round (async: the fastest worker's H; streaming: steps between syncs of one fragment)
 * @param outer           outer optimizer (per fragment in streaming); DDP ignores it and copies the replica
 * @param weighting       weights of pseudo-gradients (uniform or shard-size) and, in async modes, the
 *                        staleness rules: scale by (1+s)^-1/2, drop beyond a maximum staleness
 * @param dylu            async: Dynamic Local Updates (steps proportional to measured speed)
 * @param minInnerSteps   DyLU floor
 * @param graceSeconds    async: grace period after the first arrival during which others are also synced (0: none, or see graceShare)
 * @param graceShare      async, when graceSeconds is 0: a grace period of this share of the fastest worker's
 *                        assignment (H / its measured speed), so it scales with the run; 0 for none
 * @param bufferClose     async Delayed Nesterov: its buffer closes after N arrivals or at the end of each grace window
 * @param realign         async DyLU with {@link BufferClose#WINDOW}: a worker that restarts out of phase with the
 *                        others is given the steps that make it finish with them, so it joins their next window
 * @param minWorkers      members needed before the first round starts
 * @param quorum          sync/streaming: contributions needed to commit a round at its deadline
 * @param roundDeadline   sync/streaming: seconds after a round starts at which it commits with whoever reported (0 = wait for all)
 * @param overlap         streaming: τ, inner steps a worker trains on before merging a fragment it sent
 * @param mergeAlpha      streaming: α in θ_local ← α θ_local + (1−α) θ_global
 * @param upCodec         codec of pseudo-gradients (one spec, or one per fragment)
 * @param errorFeedback   workers carry each fragment's quantization error into their next pseudo-gradient
 * @param downCodec       codec of θ sent to workers
 * @param tokenBudget     stop after this many tokens were trained (0 = no limit)
 * @param maxOuterSteps   stop after this many outer steps (0 = no limit)
 * @param maxDeltaNorm    reject pseudo-gradients with a larger L2 norm (0 = the automatic absolute bound, see {@link NormBound})
 * @param shards          data shards and how they are handed out
 * @param ddpWorkers      DDP: k, the number of data-parallel workers the one logical member stands for
 * @param normBoundFactor reject a pseudo-gradient whose norm exceeds this many times the median of its fragment's
 *                        recently accepted norms (0 = no adaptive bound; see {@link NormBound})
 * @param normBoundWarmup outer steps of a fragment before the adaptive bound applies to its pushes
 * @param tokensPerStep   tokens one inner step of one member trains (batch × context; DDP: × k), against which
 *                        every push's token count and every heartbeat's totals are checked; 0 = not known
 */
public record CoordinatorConfig(Method method, int innerSteps, OuterOptimizerConfig outer, WeightingConfig weighting,
                                boolean dylu, int minInnerSteps,
                                double graceSeconds, double graceShare, BufferClose bufferClose, boolean realign, int minWorkers, int quorum, double roundDeadline,
                                int overlap, double mergeAlpha, String[] upCodec, boolean errorFeedback, String downCodec,
                                long tokenBudget, long maxOuterSteps, double maxDeltaNorm, DataShards shards,
                                int ddpWorkers, double normBoundFactor, int normBoundWarmup, long tokensPerStep) {

    public CoordinatorConfig {
        need(method != null, "method", method, "one of ddp, diloco, async, async-dn-dylu, streaming");
        need(innerSteps >= 1, "inner_steps", innerSteps, ">= 1");
        need(outer != null, "outer", null, "an outer optimizer");
        need(weighting != null, "weighting", null, "uniform or shard-size");
        need(minInnerSteps >= 1 && minInnerSteps <= innerSteps, "min_inner_steps", minInnerSteps, "between 1 and inner_steps (" + innerSteps + ")");
        need(graceSeconds >= 0 && Double.isFinite(graceSeconds), "grace_seconds", graceSeconds, ">= 0");
        need(graceShare >= 0 && Double.isFinite(graceShare), "grace_share", graceShare, ">= 0");
        need(graceSeconds == 0 || graceShare == 0, "grace_share", graceShare, "0 when grace_seconds is given");
        need(bufferClose != null, "buffer_close", null, "arrivals or window");
        if (bufferClose == BufferClose.WINDOW) {
            need(outer != null && outer.kind() == OuterOptimizerConfig.Kind.DELAYED_NESTEROV, "buffer_close", "window",
                    "used with the delayed-nesterov outer optimizer");
            need(graceSeconds > 0 || graceShare > 0, "buffer_close", "window", "used with a grace period: the window closes the buffer");
            need(outer.c() == 0, "buffer_close", "window", "used with c = 0 (no momentum between buffer closes)");
        }
        need(!realign || (dylu && bufferClose == BufferClose.WINDOW), "realign", realign, "false unless DyLU runs with buffer_close = window");
        need(minWorkers >= 1, "min_workers", minWorkers, ">= 1");
        need(quorum >= 1, "quorum", quorum, ">= 1");
        need(roundDeadline >= 0 && Double.isFinite(roundDeadline), "round_deadline", roundDeadline, ">= 0 seconds (0 = none)");
        need(overlap >= 0, "overlap", overlap, ">= 0 inner steps");
        need(mergeAlpha >= 0 && mergeAlpha <= 1, "merge_alpha", mergeAlpha, "in [0, 1]");
        need(upCodec != null && upCodec.length >= 1, "codec", upCodec == null ? null : Arrays.toString(upCodec), "at least one codec spec");
        upCodec = upCodec.clone();
        need(downCodec != null && !downCodec.isBlank(), "down_codec", downCodec, "a codec spec");
        need(isThetaCodec(downCodec), "down_codec", downCodec, "one of " + ThetaDownlink.allowed()
                + " (θ itself travels in it; a lossy codec would quantize the weights on every pull)");
        need(tokenBudget >= 0, "token_budget", tokenBudget, ">= 0 (0 = none)");
        need(maxOuterSteps >= 0, "max_outer_steps", maxOuterSteps, ">= 0 (0 = none)");
        need(maxDeltaNorm >= 0 && !Double.isNaN(maxDeltaNorm), "max_delta_norm", maxDeltaNorm, ">= 0 (0 = no bound)");
        need(shards != null, "shards", null, "a shard plan");
        need(ddpWorkers >= 1, "ddp_workers", ddpWorkers, ">= 1");
        need(normBoundFactor == 0 || normBoundFactor >= 1 && Double.isFinite(normBoundFactor), "norm_bound_factor", normBoundFactor,
                ">= 1 (0 = no adaptive bound)");
        need(normBoundWarmup >= 0, "norm_bound_warmup", normBoundWarmup, ">= 0 outer steps");
        need(tokensPerStep >= 0, "tokens_per_step", tokensPerStep, ">= 0 (0 = not known)");
    }

    private static boolean isThetaCodec(String spec) {
        try {
            ThetaDownlink.parse(spec);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void need(boolean ok, String key, Object value, String allowed) {
        if (!ok) throw new IllegalArgumentException("coordinator." + key + " = " + value + ": must be " + allowed);
    }

    /** Whether async workers that finish close together are held and restarted from one θ. */
    public boolean grace() {
        return graceSeconds > 0 || graceShare > 0;
    }

    /** The codec spec pseudo-gradients of {@code fragment} must use. */
    public String upCodecOf(int fragment) {
        return upCodec.length == 1 ? upCodec[0] : upCodec[fragment];
    }

    @Override
    public String[] upCodec() {
        return upCodec.clone();
    }

    /** k of the adaptive norm bound; docs/distributed.md gives the honest max/median ratios it leaves room for. */
    public static final double DEFAULT_NORM_BOUND_FACTOR = 10;
    /** Outer steps of a fragment before the adaptive norm bound applies. */
    public static final int DEFAULT_NORM_BOUND_WARMUP = 4;

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults are the papers' where they exist (H=500 is scaled down to 50 for small runs). */
    public static final class Builder {
        private Method method = Method.DILOCO;
        private int innerSteps = 50;
        private OuterOptimizerConfig outer = OuterOptimizerConfig.nesterov(0.7, 0.9);
        private WeightingConfig weighting = WeightingConfig.uniform();
        private boolean dylu;
        private int minInnerSteps = 1;
        private double graceSeconds;
        private double graceShare;
        private BufferClose bufferClose = BufferClose.ARRIVALS;
        private boolean realign;
        private int minWorkers = 1;
        private int quorum = 1;
        private double roundDeadline;
        private int overlap;
        private double mergeAlpha;
        private String[] upCodec = {"fp32"};
        private boolean errorFeedback;
        private String downCodec = "fp32";
        private long tokenBudget;
        private long maxOuterSteps;
        private double maxDeltaNorm;
        private DataShards shards = DataShards.own();
        private int ddpWorkers = 1;
        private double normBoundFactor = DEFAULT_NORM_BOUND_FACTOR;
        private int normBoundWarmup = DEFAULT_NORM_BOUND_WARMUP;
        private long tokensPerStep;

        public Builder method(Method v) { method = v; return this; }
        public Builder innerSteps(int v) { innerSteps = v; return this; }
        public Builder outer(OuterOptimizerConfig v) { outer = v; return this; }
        public Builder weighting(WeightingConfig v) { weighting = v; return this; }
        public Builder dylu(boolean v) { dylu = v; return this; }
        public Builder minInnerSteps(int v) { minInnerSteps = v; return this; }
        public Builder graceSeconds(double v) { graceSeconds = v; return this; }
        public Builder graceShare(double v) { graceShare = v; return this; }
        public Builder bufferClose(BufferClose v) { bufferClose = v; return this; }
        public Builder realign(boolean v) { realign = v; return this; }
        public Builder minWorkers(int v) { minWorkers = v; return this; }
        public Builder quorum(int v) { quorum = v; return this; }
        public Builder roundDeadline(double v) { roundDeadline = v; return this; }
        public Builder overlap(int v) { overlap = v; return this; }
        public Builder mergeAlpha(double v) { mergeAlpha = v; return this; }
        public Builder upCodec(String... v) { upCodec = v; return this; }
        public Builder errorFeedback(boolean v) { errorFeedback = v; return this; }
        public Builder downCodec(String v) { downCodec = v; return this; }
        public Builder tokenBudget(long v) { tokenBudget = v; return this; }
        public Builder maxOuterSteps(long v) { maxOuterSteps = v; return this; }
        public Builder maxDeltaNorm(double v) { maxDeltaNorm = v; return this; }
        public Builder shards(DataShards v) { shards = v; return this; }
        public Builder ddpWorkers(int v) { ddpWorkers = v; return this; }
        public Builder normBoundFactor(double v) { normBoundFactor = v; return this; }
        public Builder normBoundWarmup(int v) { normBoundWarmup = v; return this; }
        public Builder tokensPerStep(long v) { tokensPerStep = v; return this; }

        public CoordinatorConfig build() {
            return new CoordinatorConfig(method, innerSteps, outer, weighting, dylu,
                    minInnerSteps, graceSeconds, graceShare, bufferClose, realign, minWorkers, quorum, roundDeadline, overlap, mergeAlpha, upCodec,
                    errorFeedback, downCodec, tokenBudget, maxOuterSteps, maxDeltaNorm, shards, ddpWorkers,
                    normBoundFactor, normBoundWarmup, tokensPerStep);
        }
    }
}
