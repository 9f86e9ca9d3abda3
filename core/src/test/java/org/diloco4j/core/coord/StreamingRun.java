package org.diloco4j.core.coord;

import org.diloco4j.core.codec.Codecs;

import java.util.ArrayList;
import java.util.List;

/** A streaming coordinator on {@link StreamingModel#PLAN} driven event by event, and what it decided. */
final class StreamingRun {
    final CoordinatorConfig cfg;
    final List<Metric> metrics = new ArrayList<>();
    final Coordinator c;

    /** A new run; {@code phantom}: timing only, no θ. */
    StreamingRun(CoordinatorConfig cfg, boolean phantom) {
        this.cfg = cfg;
        this.c = new Coordinator(cfg, StreamingModel.PLAN, phantom ? null : new float[StreamingModel.N], metrics::add);
    }

    /** A run resumed from {@code saved}. */
    StreamingRun(CoordinatorConfig cfg, Coordinator.State saved) {
        this.cfg = cfg;
        this.c = Coordinator.restore(cfg, StreamingModel.PLAN, saved, metrics::add);
    }

    List<Command> join(String name, double time) {
        return Answers.handle(c, new Event.Join(name, -1, 0, time));
    }

    /** Member {@code member}'s push of {@code fragment} trained from {@code round}. */
    List<Command> push(int member, long generation, int fragment, long round, double time) {
        float[] g = new float[StreamingModel.PLAN.fragment(fragment).arraySize()];
        java.util.Arrays.fill(g, 0.01f * (member + 1));
        Payload p = new Payload.Bytes("fp32", Codecs.parse("fp32").encode(g));
        return Answers.handle(c, new Event.Delta(member, generation, Answers.AUTO, round, fragment, 5, 5 * StreamingModel.TOKENS_PER_STEP, 0,
                p, time));
    }

    /** The decisions and outer steps, one line each. */
    List<String> decided() {
        List<String> out = new ArrayList<>();
        for (Metric m : metrics) {
            if (m instanceof Metric.Decision d) out.add(d.time() + " " + d.kind() + " " + d.member() + " " + d.cause() + " " + d.reason());
            if (m instanceof Metric.OuterStep s) out.add(s.time() + " STEP " + s.fragment() + " " + s.contributors());
        }
        return out;
    }

    List<Metric.Decision> drops(int member) {
        List<Metric.Decision> out = new ArrayList<>();
        for (Metric m : metrics) if (m instanceof Metric.Decision d && d.kind() == DecisionKind.DROP && d.member() == member) out.add(d);
        return out;
    }

    static boolean sends(List<Command> out, int member, int fragment, long round) {
        return out.stream().anyMatch(x -> x instanceof Command.ApplyFragment a && a.member() == member && a.fragment() == fragment
                && a.round() == round);
    }
}
