package org.diloco4j.net.wire;

import org.diloco4j.core.coord.Method;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Range;
import org.diloco4j.net.proto.FragmentSpec;
import org.diloco4j.net.proto.RunSpec;

import java.util.ArrayList;
import java.util.List;

/** {@link RunDefinition} to and from its wire form. */
public final class RunSpecs {
    private RunSpecs() {
    }

    public static RunSpec toProto(RunDefinition d) {
        RunSpec.Builder b = RunSpec.newBuilder().setConfigToml(d.configToml()).setMethod(d.method().id())
                .setModelSize(d.modelSize()).addAllUpCodec(d.upCodec()).setErrorFeedback(d.errorFeedback())
                .setDownCodec(d.downCodec()).setInnerSteps(d.innerSteps()).setOverlap(d.overlap()).setChunkBytes(d.chunkBytes());
        FragmentPlan plan = d.plan();
        for (int p = 0; p < plan.count(); p++) {
            FragmentSpec.Builder f = FragmentSpec.newBuilder().setLabel(plan.label(p));
            for (Range r : plan.fragment(p).ranges()) f.addStarts(r.start()).addLengths(r.length());
            b.addFragments(f);
        }
        return b.build();
    }

    /**
     * The definition a worker received.
     *
     * @throws IllegalArgumentException naming what is inconsistent (fragments, codecs)
     */
    public static RunDefinition fromProto(RunSpec s) {
        List<Fragment> fragments = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int p = 0; p < s.getFragmentsCount(); p++) {
            FragmentSpec f = s.getFragments(p);
            if (f.getStartsCount() != f.getLengthsCount()) {
                throw new IllegalArgumentException("fragment " + p + " has " + f.getStartsCount() + " starts and " + f.getLengthsCount() + " lengths");
            }
            List<Range> ranges = new ArrayList<>();
            for (int i = 0; i < f.getStartsCount(); i++) ranges.add(new Range(f.getStarts(i), f.getLengths(i)));
            fragments.add(new Fragment(p, ranges));
            labels.add(f.getLabel());
        }
        FragmentPlan plan = new FragmentPlan(fragments, labels, s.getModelSize());
        return new RunDefinition(s.getConfigToml(), Method.parse(s.getMethod()), plan, s.getUpCodecList(), s.getErrorFeedback(),
                s.getDownCodec(), s.getInnerSteps(), s.getOverlap(), s.getChunkBytes());
    }
}
