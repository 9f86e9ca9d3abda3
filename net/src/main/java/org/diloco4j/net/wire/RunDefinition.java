package org.diloco4j.net.wire;

import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.codec.ThetaDownlink;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.Fp32Storage;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.stream.StreamingSchedule;

import java.util.Arrays;
import java.util.List;

/**
 * What a worker needs to take part in a run, as the coordinator sends it at join: the resolved
 * configuration (from which the worker builds its model and data) and the protocol parameters
 * derived from it, so that every worker encodes, fragments and schedules exactly as the
 * coordinator expects.
 *
 * @param configToml    the resolved run configuration
 * @param plan          fragments of θ (one unless streaming)
 * @param upCodec       codec of pseudo-gradients: one spec, or one per fragment
 * @param errorFeedback workers carry quantization error into their next pseudo-gradient
 * @param downCodec     codec θ travels in
 * @param innerSteps    H
 * @param overlap       streaming τ
 * @param chunkBytes    largest chunk of θ or of a pseudo-gradient in one message
 */
public record RunDefinition(String configToml, Method method, FragmentPlan plan, List<String> upCodec, boolean errorFeedback,
                            String downCodec, int innerSteps, int overlap, int chunkBytes) {
    public RunDefinition {
        if (configToml == null) throw new IllegalArgumentException("run definition without a configuration");
        if (method == null || plan == null) throw new IllegalArgumentException("run definition needs a method and a fragment plan");
        if (method == Method.DDP) {
            throw new IllegalArgumentException("method ddp is a simulated baseline (one all-reduce per step); over the network use diloco, async, async-dn-dylu or streaming");
        }
        upCodec = List.copyOf(upCodec);
        if (upCodec.size() != 1 && upCodec.size() != plan.count()) {
            throw new IllegalArgumentException(upCodec.size() + " codecs for " + plan.count() + " fragments");
        }
        for (String c : upCodec) Codecs.parse(c);
        ThetaDownlink.parse(downCodec);
        if (innerSteps < 1) throw new IllegalArgumentException("inner steps " + innerSteps + " must be >= 1");
        if (!Limits.chunkAllowed(chunkBytes)) {
            throw new IllegalArgumentException("chunk size " + chunkBytes + " bytes: must be " + Limits.CHUNK_RANGE);
        }
        if (method == Method.STREAMING) new StreamingSchedule(innerSteps, plan.count(), overlap);
    }

    public static RunDefinition of(String configToml, CoordinatorConfig cc, FragmentPlan plan, int chunkBytes) {
        return new RunDefinition(configToml, cc.method(), plan, Arrays.asList(cc.upCodec()), cc.errorFeedback(), cc.downCodec(),
                cc.innerSteps(), cc.overlap(), chunkBytes);
    }

    public String upCodecOf(int fragment) {
        return upCodec.size() == 1 ? upCodec.get(0) : upCodec.get(fragment);
    }

    /** |θ| in floats: a count, so long (a worker holds θ in one float[] and refuses more: {@link #modelArraySize}). */
    public long modelSize() {
        return plan.totalSize();
    }

    /** |θ| as the length of the one {@code float[]} a worker holds it in; throws, in one line, for a model larger than that. */
    public int modelArraySize() {
        return Fp32Storage.length(plan.totalSize(), "the run's model");
    }

    /** Encoded size of fragment {@code p}'s pseudo-gradient: the only size the coordinator accepts. */
    public long deltaBytes(int fragment) {
        return Codecs.parse(upCodecOf(fragment)).encodedSize(plan.fragment(fragment).size());
    }

    /** Streaming: the schedule workers follow; null otherwise. */
    public StreamingSchedule schedule() {
        return method == Method.STREAMING ? new StreamingSchedule(innerSteps, plan.count(), overlap) : null;
    }
}
