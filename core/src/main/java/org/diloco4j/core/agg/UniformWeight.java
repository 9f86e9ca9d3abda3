package org.diloco4j.core.agg;

/** Weight 1 for everyone: after normalization, 1/k. */
final class UniformWeight implements WeightPolicy {
    static final UniformWeight INSTANCE = new UniformWeight();

    private UniformWeight() {
    }

    @Override
    public WeightDecision weigh(Contribution c) {
        return WeightDecision.include(1, "uniform weight 1");
    }

    @Override
    public String describe() {
        return "uniform";
    }

    /** Keeps the singleton a singleton when a checkpoint is read. */
    private Object readResolve() {
        return INSTANCE;
    }
}
