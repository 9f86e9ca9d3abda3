package org.diloco4j.core.worker;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.codec.ErrorFeedback;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.stream.FragmentMerge;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.TrainReport;


/**
 * The worker's side of the protocol, written once for both drivers: it loads the θ it was sent,
 * trains, and turns its progress into pseudo-gradients {@code δ_p = θ_p(received) − θ_i,p} per
 * fragment, encoded with the fragment's codec (with error feedback when configured); in streaming
 * mode it merges fragments sent back by the coordinator.
 *
 * <p>A phantom replica (timing-only runs) has no trainer and produces payloads that only have a size.
 */
public final class Replica implements AutoCloseable {
    private final InnerTrainer trainer;
    private final FragmentPlan plan;
    private final Codec[] codecs;
    private final String[] specs;
    private final ErrorFeedback[] feedback;
    private final int size;
    /** Scratch: θ_i read back from the trainer. */
    private final float[] current;
    /** Per fragment: the global values δ is measured against (what was last received). */
    private final float[][] base;
    private final long[] rounds;
    private long version = -1;
    private int shard;

    /**
     * @param trainer       the inner trainer, or null for a phantom replica
     * @param ownShard      the shard the trainer was built on (-1 for a mix)
     * @param plan          fragments of θ
     * @param codecSpecs    codec of each fragment's pseudo-gradient (one spec for all, or one per fragment)
     * @param errorFeedback carry each fragment's quantization error into its next message
     */
    public Replica(InnerTrainer trainer, int ownShard, FragmentPlan plan, String[] codecSpecs, boolean errorFeedback) {
        this.trainer = trainer;
        this.shard = ownShard;
        this.size = plan.totalSize();
        this.plan = plan;
        int n = plan.count();
        if (codecSpecs.length != 1 && codecSpecs.length != n) {
            throw new IllegalArgumentException(codecSpecs.length + " codecs for " + n + " fragments");
        }
        if (trainer != null && trainer.layout().size() != size) {
            throw new IllegalArgumentException("trainer has " + trainer.layout().size() + " parameters, the run " + size);
        }
        this.codecs = new Codec[n];
        this.specs = new String[n];
        this.feedback = new ErrorFeedback[n];
        this.base = new float[n][];
        this.rounds = new long[n];
        for (int p = 0; p < n; p++) {
            specs[p] = codecSpecs.length == 1 ? codecSpecs[0] : codecSpecs[p];
            codecs[p] = Codecs.parse(specs[p]);
            if (errorFeedback && trainer != null) feedback[p] = new ErrorFeedback(codecs[p], plan.fragment(p).size());
        }
        this.current = trainer == null ? null : new float[size];
    }

    public boolean phantom() {
        return trainer == null;
    }

    /**
     * Starts an assignment from the θ it carries. {@code received} is θ as decoded by the worker
     * (equal to the snapshot's values unless θ travels through a lossy codec); null for phantoms.
     */
    public void start(Command.Train t, float[] received) {
        version = t.version();
        for (int p = 0; p < plan.count(); p++) {
            rounds[p] = t.rounds() != null ? t.rounds()[p] : t.version();
            if (trainer != null) base[p] = plan.fragment(p).gather(received);
        }
        if (trainer != null) {
            if (t.shard() >= 0 && t.shard() != shard) {
                trainer.useShard(t.shard());
                shard = t.shard();
            }
            trainer.load(received);
        }
    }

    /** Runs inner steps (phantoms only count them). */
    public TrainReport train(int steps) {
        if (trainer == null) return new TrainReport(steps, 0, new float[steps]);
        return trainer.train(steps);
    }

    /** The encoded pseudo-gradient of fragment {@code p} against what this replica last received. */
    public Payload delta(int p) {
        Fragment f = plan.fragment(p);
        if (trainer == null) return new Payload.Phantom(specs[p], codecs[p].encodedSize(f.size()));
        trainer.read(current);
        float[] g = f.gather(current);
        float[] b = base[p];
        for (int i = 0; i < g.length; i++) g[i] = b[i] - g[i];
        byte[] bytes = feedback[p] != null ? feedback[p].encode(g) : codecs[p].encode(g);
        return new Payload.Bytes(specs[p], bytes);
    }

    /**
     * Streaming: merges the global values of a fragment, {@code θ_local ← α θ_local + (1−α) θ_global},
     * and measures the next pseudo-gradient of that fragment against them.
     */
    public void merge(Command.ApplyFragment a, float[] received) {
        int p = a.fragment();
        rounds[p] = a.round();
        if (trainer == null) return;
        trainer.read(current);
        FragmentMerge.merge(plan.fragment(p), current, received, (float) a.alpha());
        trainer.load(current);
        base[p] = received.clone();
    }

    /** θ version the current assignment started from. */
    public long version() {
        return version;
    }

    /** The round of fragment {@code p} this replica's pseudo-gradients of it refer to. */
    public long round(int p) {
        return rounds[p];
    }

    public int size() {
        return size;
    }

    public InnerTrainer trainer() {
        return trainer;
    }

    @Override
    public void close() {
        if (trainer != null) trainer.close();
    }
}
