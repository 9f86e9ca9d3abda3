package org.diloco4j.core.worker;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.codec.ErrorFeedback;
import org.diloco4j.core.codec.ErrorFeedbackState;
import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.Payload;
import org.diloco4j.core.io.TensorData;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.stream.FragmentMerge;
import org.diloco4j.core.train.GlobalProgress;
import org.diloco4j.core.train.InnerTrainer;
import org.diloco4j.core.train.TrainerState;
import org.diloco4j.core.train.TrainReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The worker's side of the protocol, written once for both drivers: it loads the θ it was sent,
 * trains, and turns its progress into pseudo-gradients {@code δ_p = θ_p(received) − θ_i,p} per
 * fragment, encoded with the fragment's codec (with error feedback when configured); in streaming
 * mode it merges fragments sent back by the coordinator.
 *
 * <p>A pseudo-gradient with a NaN or infinite value (a diverged trainer) is never encoded: the
 * worker withholds it ({@link Outgoing.Withheld}). Every sync point of a fragment stays unsettled
 * until the driver reports whether its message reached θ ({@link #settle}), in the order they were
 * made; a message that did not has its round taken back out of the error-feedback residual.
 * {@link #settle} may be called from another thread than the one training (the network worker's
 * uploader); the methods that touch the residual are synchronized.
 *
 * <p>A phantom replica (timing-only runs) has no trainer and produces payloads that only have a size.
 */
public final class Replica implements AutoCloseable {
    private final FragmentPlan plan;
    private final String[] specs;
    /** |θ|: a long, as a phantom replica only counts it (a real one holds it in a float[]). */
    private final long size;
    private final boolean phantom;
    /** Per fragment: the global values δ is measured against (what was last received). */
    private final float[][] base;
    private final long[] rounds;
    /** Per fragment: the id of the assignment its next pseudo-gradient answers (from the train or fragment order). */
    private final long[] assignments;
    /**
     * Per fragment, its sync points not yet settled, oldest first: the error-feedback round of each
     * message sent, or {@link #NOTHING} (withheld, or no error feedback). Saved in checkpoints with
     * the messages in flight.
     */
    private final List<ArrayDeque<ErrorFeedback.Sent>> unsettled = new ArrayList<>();
    private static final ErrorFeedback.Sent NOTHING = new ErrorFeedback.Sent(new byte[0], new float[0]);
    private long version = -1;
    private int shard;
    /** The current assignment's place on the run's clock, and the tokens trained in it so far. */
    private GlobalProgress progress;
    private long assignmentTokens;

    // The trainer (native state) is saved as its own bytes and θ_i by state(); a restored replica
    // holds them until attach() gives it a fresh trainer to restore into.
    private InnerTrainer trainer;
    private Codec[] codecs;
    private ErrorFeedback[] feedback;
    /** Scratch: θ_i read back from the trainer. */
    private float[] current;
    private TrainerState savedTrainerState;
    private TensorData savedTheta;

    /**
     * @param trainer       the inner trainer, or null for a phantom replica
     * @param ownShard      the shard the trainer was built on (-1 for a mix)
     * @param plan          fragments of θ
     * @param codecSpecs    codec of each fragment's pseudo-gradient (one spec for all, or one per fragment)
     * @param errorFeedback carry each fragment's quantization error into its next message
     */
    public Replica(InnerTrainer trainer, int ownShard, FragmentPlan plan, String[] codecSpecs, boolean errorFeedback) {
        this(trainer, trainer == null, ownShard, plan, codecSpecs, errorFeedback);
    }

    private Replica(InnerTrainer trainer, boolean phantom, int ownShard, FragmentPlan plan, String[] codecSpecs, boolean errorFeedback) {
        this.trainer = trainer;
        this.phantom = phantom;
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
        this.specs = new String[n];
        this.base = new float[n][];
        this.rounds = new long[n];
        this.assignments = new long[n];
        for (int p = 0; p < n; p++) {
            specs[p] = codecSpecs.length == 1 ? codecSpecs[0] : codecSpecs[p];
            unsettled.add(new ArrayDeque<>());
        }
        this.errorFeedback = errorFeedback;
        makeCodecs();
        this.current = phantom ? null : new float[plan.arraySize()];
    }

    private final boolean errorFeedback;

    private void makeCodecs() {
        int n = plan.count();
        codecs = new Codec[n];
        feedback = new ErrorFeedback[n];
        for (int p = 0; p < n; p++) {
            codecs[p] = Codecs.parse(specs[p]);
            if (errorFeedback && !phantom) feedback[p] = new ErrorFeedback(codecs[p], plan.fragment(p).arraySize());
        }
    }

    /**
     * A replica's state for a checkpoint.
     *
     * @param base      per fragment, the global values δ is measured against (null until received)
     * @param unsettled per fragment, the sync points not yet settled, oldest first
     * @param trainer   the inner trainer's own saved state (optimizer moments, step, data position); null for a phantom
     * @param theta     θ_i, the trainer's current parameters (a view of them: see {@link InnerTrainer#parameters}); null for a phantom
     * @param feedback  per fragment, the error-feedback residual (null without error feedback)
     * @param assignments per fragment, the id of the assignment its next pseudo-gradient answers
     */
    public record State(boolean phantom, int shard, List<String> specs, boolean errorFeedback, List<float[]> base, long[] rounds,
                        List<List<ErrorFeedback.Sent>> unsettled, long version, GlobalProgress progress, long assignmentTokens,
                        TrainerState trainer, TensorData theta, List<ErrorFeedbackState> feedback, long[] assignments) {
    }

    /**
     * The replica's state for a checkpoint, to be written before the replica goes on: θ_i and the
     * trainer's moments are views of the trainer's own values, not copies (a copy of them on the
     * heap is what kept a 124M-parameter run from checkpointing in the default heap). The base
     * arrays are shared too: they are replaced, never changed in place.
     */
    public synchronized State state() {
        List<float[]> b = new ArrayList<>(java.util.Arrays.asList(base));
        List<List<ErrorFeedback.Sent>> u = new ArrayList<>();
        for (ArrayDeque<ErrorFeedback.Sent> q : unsettled) u.add(List.copyOf(q));
        List<ErrorFeedbackState> f = new ArrayList<>();
        TrainerState trainerState = savedTrainerState;
        TensorData theta = savedTheta;
        if (!phantom) {
            for (ErrorFeedback e : feedback) f.add(e == null ? null : e.state());
            if (trainer != null) {
                trainerState = trainer.saveState();
                theta = trainer.parameters();
            }
        }
        return new State(phantom, shard, List.of(specs), errorFeedback, b, rounds.clone(), u, version, progress, assignmentTokens,
                trainerState, theta, f, assignments.clone());
    }

    /** A replica as {@link #state()} saved it, without a trainer until {@link #attach} gives it one. */
    public static Replica restore(State s, FragmentPlan plan) {
        Replica r = new Replica(null, s.phantom(), s.shard(), plan, s.specs().toArray(String[]::new), s.errorFeedback());
        if (s.rounds().length != r.rounds.length) throw new IllegalArgumentException("checkpoint replica has " + s.rounds().length + " fragments, the run " + r.rounds.length);
        for (int p = 0; p < r.base.length; p++) {
            r.base[p] = s.base().get(p);
            r.unsettled.get(p).addAll(s.unsettled().get(p));
        }
        System.arraycopy(s.rounds(), 0, r.rounds, 0, r.rounds.length);
        // A checkpoint from before assignments were named has none: the replica's next pushes are then refused as replays.
        if (s.assignments() != null && s.assignments().length == r.assignments.length) {
            System.arraycopy(s.assignments(), 0, r.assignments, 0, r.assignments.length);
        }
        r.version = s.version();
        r.progress = s.progress();
        r.assignmentTokens = s.assignmentTokens();
        if (!s.phantom()) {
            for (int p = 0; p < r.feedback.length; p++) if (r.feedback[p] != null) r.feedback[p].restore(s.feedback().get(p));
            r.savedTrainerState = s.trainer();
            r.savedTheta = s.theta();
        }
        return r;
    }

    /**
     * After a checkpoint was read: gives this replica a freshly built trainer (same model, data and
     * seed as the original) and restores into it the saved optimizer state, data position and θ_i
     * (read from the checkpoint as they go in, so the checkpoint must still be open).
     */
    public void attach(InnerTrainer fresh) {
        if (phantom) throw new IllegalStateException("a phantom replica has no trainer");
        if (savedTrainerState == null) throw new IllegalStateException("attach() is for replicas read from a checkpoint");
        if (fresh.layout().size() != size) {
            throw new IllegalArgumentException("trainer has " + fresh.layout().size() + " parameters, the checkpoint " + size);
        }
        fresh.restoreState(savedTrainerState);
        try {
            fresh.load(savedTheta);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        trainer = fresh;
        savedTrainerState = null;
        savedTheta = null;
    }

    public boolean phantom() {
        return phantom;
    }

    /**
     * Starts an assignment from the θ it carries. {@code received} is θ as decoded by the worker
     * (equal to the snapshot's values unless θ travels through a lossy codec); null for phantoms.
     */
    public void start(Command.Train t, float[] received) {
        version = t.version();
        progress = t.progress();
        assignmentTokens = 0;
        for (int p = 0; p < plan.count(); p++) {
            rounds[p] = t.rounds() != null ? t.rounds()[p] : t.version();
            assignments[p] = t.assignment() + p; // streaming: one slot per fragment, consecutive ids
            if (!phantom) base[p] = plan.fragment(p).gather(received);
        }
        if (!phantom) {
            if (t.shard() >= 0 && t.shard() != shard) {
                trainer.useShard(t.shard());
                shard = t.shard();
            }
            trainer.load(received);
        }
    }

    /** Runs inner steps (phantoms only count them), on the run's clock of the current assignment. */
    public TrainReport train(int steps) {
        if (phantom) return new TrainReport(steps, 0, new float[steps]);
        TrainReport r = trainer.train(steps, progress == null ? null : progress.advancedBy(assignmentTokens));
        assignmentTokens += r.tokens();
        return r;
    }

    /**
     * The pseudo-gradient of fragment {@code p} against what this replica last received, encoded;
     * or, if it (or, with error feedback, it plus the residual) holds a NaN or an infinity, nothing,
     * with the reason. Either way a sync point of {@code p} is left to {@link #settle}.
     */
    public synchronized Outgoing delta(int p) {
        Fragment f = plan.fragment(p);
        if (phantom) {
            unsettled.get(p).add(NOTHING);
            return new Outgoing.Send(new Payload.Phantom(specs[p], codecs[p].encodedSize(f.size())));
        }
        trainer.read(current);
        float[] g = f.gather(current);
        float[] b = base[p];
        for (int i = 0; i < g.length; i++) g[i] = b[i] - g[i];
        String bad = nonFinite(p, g);
        if (bad == null && feedback[p] != null) {
            try {
                ErrorFeedback.Sent sent = feedback[p].send(g, 0);
                unsettled.get(p).add(sent);
                return new Outgoing.Send(new Payload.Bytes(specs[p], sent.message()));
            } catch (IllegalArgumentException e) {
                bad = e.getMessage(); // finite δ, but δ plus the residual overflows
            }
        }
        unsettled.get(p).add(NOTHING);
        if (bad != null) return new Outgoing.Withheld(bad);
        return new Outgoing.Send(new Payload.Bytes(specs[p], codecs[p].encode(g)));
    }

    private String nonFinite(int p, float[] g) {
        for (int i = 0; i < g.length; i++) {
            if (!Float.isFinite(g[i])) {
                return "pseudo-gradient of fragment " + p + " has a non-finite value (" + g[i] + ") at index " + i
                        + ": the inner training diverged; nothing sent";
            }
        }
        return null;
    }

    /**
     * The oldest unsettled sync point of fragment {@code p} ended: its message reached θ (applied,
     * or included in an aggregate that will be), or not (lost, rejected, dropped, or withheld). A
     * message that did not reach θ has its error-feedback round forgotten.
     *
     * @throws IllegalStateException if fragment {@code p} has no unsettled sync point
     */
    public synchronized void settle(int p, boolean reachedTheta) {
        ErrorFeedback.Sent s = unsettled.get(p).poll();
        if (s == null) throw new IllegalStateException("fragment " + p + " has no message waiting to be settled");
        if (!reachedTheta && s.carried().length > 0) feedback[p].forget(s); // NOTHING (or its copy from a checkpoint) has no round
    }

    /** Every message still unsettled will never arrive (the process lost its session while they were in flight). */
    public synchronized void settleAllLost() {
        for (int p = 0; p < unsettled.size(); p++) {
            while (!unsettled.get(p).isEmpty()) settle(p, false);
        }
    }

    /** Sync points of fragment {@code p} whose outcome is not known yet. */
    public synchronized int unsettled(int p) {
        return unsettled.get(p).size();
    }

    /** A copy of fragment {@code p}'s error-feedback residual (empty without error feedback). */
    public synchronized float[] residual(int p) {
        return feedback[p] == null ? new float[0] : feedback[p].residual();
    }

    /**
     * Streaming: merges the global values of a fragment, {@code θ_local ← α θ_local + (1−α) θ_global},
     * and measures the next pseudo-gradient of that fragment against them.
     */
    public void merge(Command.ApplyFragment a, float[] received) {
        int p = a.fragment();
        rounds[p] = a.round();
        assignments[p] = a.assignment();
        if (phantom) return;
        trainer.read(current);
        FragmentMerge.merge(plan.fragment(p), current, received, (float) a.alpha());
        trainer.load(current);
        base[p] = received.clone();
    }

    /** θ version the current assignment started from. */
    public long version() {
        return version;
    }

    /** The id of the assignment this replica's next pseudo-gradient of fragment {@code p} answers. */
    public long assignment(int p) {
        return assignments[p];
    }

    /** The round of fragment {@code p} this replica's pseudo-gradients of it refer to. */
    public long round(int p) {
        return rounds[p];
    }

    public long size() {
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
