package org.diloco4j.net.worker;

import io.grpc.StatusRuntimeException;
import org.diloco4j.core.train.TrainTally;
import org.diloco4j.core.worker.Outgoing;
import org.diloco4j.core.worker.Replica;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.FragmentOrder;
import org.diloco4j.net.proto.ThetaRef;

import java.util.function.Supplier;

/**
 * The bulk transfers of a session: θ (or a fragment) down, pseudo-gradients up. {@link GrpcTransfers}
 * is the real one; tests hand θ out of memory and record what is pushed.
 */
interface Transfers {
    /** θ (or a fragment) as pulled: its values and the version they hold (for a newest-θ order, the one served). */
    record Pulled(long version, float[] values) {
    }

    /** Pulls and decodes θ (or a fragment) an order names. */
    Pulled pull(ThetaRef r) throws StatusRuntimeException;

    /** Streaming: pulls a fragment in the background; it arrives at the session as {@link Signal.Arrived} (or {@link Signal.Broken}). */
    void fetch(FragmentOrder f);

    /** The push header of {@code out}, answering assignment {@code assignment}, with the training it summarises. */
    DeltaHeader header(int fragment, long base, long assignment, TrainTally trained, Outgoing out);

    /**
     * Delivers a pseudo-gradient (or the notice that it is withheld), retrying failed transfers, and
     * settles it with the replica: reached θ only if the coordinator says it was applied.
     *
     * @param abandon asked between retries: an ending there stops the retries and is returned
     * @return how the session must end, or null to carry on
     */
    Ending push(Replica replica, DeltaHeader h, Outgoing out, Supplier<Ending> abandon);
}
