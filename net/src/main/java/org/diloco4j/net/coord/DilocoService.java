package org.diloco4j.net.coord;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import org.diloco4j.core.coord.PayloadUnreadable;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.diloco4j.net.proto.DeltaChunk;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.DilocoGrpc;
import org.diloco4j.net.proto.HeartbeatReply;
import org.diloco4j.net.proto.HeartbeatRequest;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.LeaveReply;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PullRequest;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.SessionRef;
import org.diloco4j.net.proto.SubscribeRequest;
import org.diloco4j.net.proto.ThetaChunk;
import org.diloco4j.core.coord.Refusal;
import org.diloco4j.net.auth.Caller;
import org.diloco4j.net.wire.DeltaChunkMarshaller;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.Refusals;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * The gRPC service: parses and validates messages, reassembles uploads, streams θ with flow
 * control, and hands everything else to the {@link CoordinatorRuntime}'s event loop.
 */
final class DilocoService extends DilocoGrpc.DilocoImplBase {
    private final CoordinatorRuntime rt;
    /** Where uploads wait, in memory up to a budget shared by all members, then on disk. */
    private final Spool spool;
    /** How each fragment's int8 pushes are counted as they arrive, for the push check's norm. */
    private final ArrivalLayouts layouts;
    /** The transport's threads: a pull's first window is sent from here, not from the event loop. */
    private final Executor transport;
    /** Parses a push's data chunks as views of the transport's buffers, which {@link PushStream#onNext} gives back. */
    private final DeltaChunkMarshaller chunks = new DeltaChunkMarshaller();

    DilocoService(CoordinatorRuntime rt, Executor transport) {
        this.rt = rt;
        this.transport = transport;
        this.spool = new Spool(rt.options().spool());
        this.layouts = new ArrivalLayouts(rt.run());
    }

    /**
     * The service as the server binds it: PushDelta's requests parsed by {@link DeltaChunkMarshaller} (each data chunk's
     * bytes copied once, by the upload's {@link DeltaAssembler}), every other method as generated.
     */
    ServerServiceDefinition definition() {
        ServerServiceDefinition generated = bindService();
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(generated.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> m : generated.getMethods()) b.addMethod(withChunks(m));
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private <Q, R> ServerMethodDefinition<Q, R> withChunks(ServerMethodDefinition<Q, R> m) {
        MethodDescriptor<Q, R> d = m.getMethodDescriptor();
        if (!d.getFullMethodName().equals(DilocoGrpc.getPushDeltaMethod().getFullMethodName())) return m;
        MethodDescriptor<Q, R> zeroCopy = d.toBuilder((MethodDescriptor.Marshaller<Q>) chunks, d.getResponseMarshaller()).build();
        return ServerMethodDefinition.create(zeroCopy, m.getServerCallHandler());
    }

    /**
     * Spool files in the coordinator's own spool directory ({@link SpoolOptions#own()}) can only be
     * left over: removed as the server starts, before any upload can make one. The shared temporary
     * directory is not swept (another coordinator's file may be in its instant between create and unlink).
     */
    void sweepSpool() {
        if (!rt.options().spool().own()) return;
        try {
            int n = spool.sweep();
            if (n > 0) rt.log("removed " + n + " spool file(s) an earlier coordinator left in " + spool.dir());
        } catch (IOException e) {
            rt.log("could not clear the spool directory " + spool.dir() + " of old spool files: " + e.getMessage());
        }
    }

    /** Closes the spool files kept for the next uploads (the server stopped); an upload still ending closes its own. */
    void closeSpool() {
        try {
            spool.close();
        } catch (IOException e) {
            rt.log("could not close the idle spool files in " + spool.dir() + ": " + e.getMessage());
        }
    }

    @Override
    public void join(JoinRequest req, StreamObserver<JoinReply> out) {
        if (req.getProtocol() != Limits.PROTOCOL) {
            // Answered, not failed: a worker of any version reads admitted = false and the reason.
            String why = "protocol version " + req.getProtocol() + "; this coordinator speaks " + Limits.PROTOCOL
                    + ": run a worker of the coordinator's version";
            rt.log("refused a join: " + why);
            out.onNext(CoordinatorRuntime.refusal(Refusal.WRONG_PROTOCOL, why));
            out.onCompleted();
            return;
        }
        String bad = Checks.join(req);
        if (bad != null) {
            rt.log("refused a join: " + bad);
            out.onError(Status.INVALID_ARGUMENT.withDescription(bad).asRuntimeException());
            return;
        }
        rt.join(req, Caller.current()).whenComplete((reply, err) -> {
            if (err != null) {
                out.onError(status(err));
            } else {
                out.onNext(reply);
                out.onCompleted();
            }
        });
    }

    @Override
    public void subscribe(SubscribeRequest req, StreamObserver<Order> out) {
        Session s = session(req.getSession(), out);
        if (s == null) return;
        ServerCallStreamObserver<Order> stream = (ServerCallStreamObserver<Order>) out;
        stream.setOnCancelHandler(() -> rt.unsubscribed(s, stream));
        rt.subscribe(s, req.getAfterSeq(), stream);
    }

    @Override
    public void pullTheta(PullRequest req, StreamObserver<ThetaChunk> out) {
        String bad = Checks.pull(req);
        if (bad != null) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(bad).asRuntimeException());
            return;
        }
        Session s = session(req.getSession(), out);
        if (s == null) return;
        // The handlers must be set before this method returns; the event loop picks the snapshot later.
        PullStream p = new PullStream((ServerCallStreamObserver<ThetaChunk>) out, rt.options().chunkBytes(), s);
        p.listen();
        rt.pull(s, req.getThetaId(), req.getOffset(), p);
    }

    @Override
    public StreamObserver<DeltaChunk> pushDelta(StreamObserver<PushReply> out) {
        return new PushStream(out);
    }

    @Override
    public void heartbeat(HeartbeatRequest req, StreamObserver<HeartbeatReply> out) {
        String bad = Checks.heartbeat(req, rt.now());
        if (bad != null) {
            rt.log("refused a heartbeat of member " + req.getSession().getMember() + ": " + bad);
            out.onError(Status.INVALID_ARGUMENT.withDescription(bad).asRuntimeException());
            return;
        }
        Session s = rt.session(req.getSession());
        HeartbeatReply.Builder r = HeartbeatReply.newBuilder().setCoordinatorTime(rt.now());
        if (s == null) {
            r.setKnown(false).setRefusal(Refusals.toProto(Refusal.NOT_A_MEMBER)).setReason(rt.unknown(req.getSession()));
        } else {
            String implausible = rt.heartbeat(s, req);
            r.setKnown(true);
            if (implausible != null) r.setRefusal(Refusals.toProto(Refusal.IMPLAUSIBLE)).setReason(implausible);
        }
        out.onNext(r.build());
        out.onCompleted();
    }

    @Override
    public void leave(SessionRef req, StreamObserver<LeaveReply> out) {
        Session s = session(req, out);
        if (s == null) return;
        rt.leave(s);
        out.onNext(LeaveReply.getDefaultInstance());
        out.onCompleted();
    }

    private Session session(SessionRef ref, StreamObserver<?> out) {
        String bad = Checks.session(ref);
        if (bad != null) {
            out.onError(Status.INVALID_ARGUMENT.withDescription(bad).asRuntimeException());
            return null;
        }
        Session s = rt.session(ref);
        if (s == null) out.onError(Status.NOT_FOUND.withDescription(rt.unknown(ref)).asRuntimeException());
        return s;
    }

    private static Throwable status(Throwable err) {
        Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        // A closed runtime (IllegalStateException) or the coordinator's own spool it could not read: the worker retries.
        if (cause instanceof IllegalStateException || cause instanceof PayloadUnreadable) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage()).asRuntimeException();
        }
        return Status.INTERNAL.withDescription(String.valueOf(cause)).asRuntimeException();
    }

    /**
     * Sends an encoded θ snapshot in chunks as fast as the receiver takes them: a chunk goes out only
     * while the call is ready (onReady flow control), so a slow downlink makes the coordinator wait
     * rather than queue θ in memory. Chunks are slices of the snapshot, not copies. The snapshot stays
     * pinned until the pull ends: complete, cancelled, or stopped because its session ended.
     */
    private final class PullStream implements Pulls.Pull {
        private final ServerCallStreamObserver<ThetaChunk> out;
        private final int chunk;
        private final Session session;
        private ThetaStore.Entry entry;
        private long pos;
        private boolean first = true;
        private boolean finished;

        PullStream(ServerCallStreamObserver<ThetaChunk> out, int chunk, Session session) {
            this.out = out;
            this.chunk = chunk;
            this.session = session;
        }

        void listen() {
            out.setOnReadyHandler(this::drain);
            out.setOnCancelHandler(this::cancelled);
        }

        @Override
        public synchronized void start(ThetaStore.Entry e, long offset) {
            if (finished) {
                // Cancelled before the snapshot was chosen: the pin goes back at once.
                rt.pullEnded(session, this, e, false);
                return;
            }
            entry = e;
            pos = offset;
            // Called on the event loop: the first window goes out from the transport's threads (onReady sends the rest).
            try {
                transport.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                drain();
            }
        }

        @Override
        public synchronized void refuse(Status why) {
            if (finished) return;
            finished = true;
            fail(why);
        }

        @Override
        public synchronized ThetaStore.Entry stop(Status why) {
            if (finished || entry == null) return null;
            finished = true;
            fail(why);
            return entry;
        }

        private void fail(Status why) {
            try {
                out.onError(why.asRuntimeException());
            } catch (IllegalStateException alreadyClosed) {
                // The call ended meanwhile: nothing to tell.
            }
        }

        /** The snapshot's file could not be read: this pull fails (the worker retries), the snapshot's pin goes back. */
        private void unreadable(IOException e) {
            finished = true;
            fail(Status.UNAVAILABLE.withDescription("could not read θ snapshot " + entry.id + ": " + e.getMessage()));
            rt.pullEnded(session, this, entry, false);
            entry = null;
        }

        private void cancelled() {
            ThetaStore.Entry pinned;
            synchronized (this) {
                if (finished) return;
                finished = true;
                pinned = entry;
            }
            if (pinned != null) rt.pullEnded(session, this, pinned, false);
            else rt.pullCancelled(this);
        }

        private synchronized void drain() {
            while (entry != null && !finished && out.isReady()) {
                int n = (int) Math.min(chunk, entry.length - pos);
                boolean last = pos + n == entry.length;
                ThetaChunk.Builder c = ThetaChunk.newBuilder().setOffset(pos);
                try {
                    // A slice of a heap snapshot, or a chunk read from a file snapshot.
                    c.setData(entry.slice(pos, n));
                    if (last) c.setLast(true).setCrc32C(entry.crc());
                } catch (IOException e) {
                    unreadable(e);
                    return;
                }
                if (first) c.setVersion(entry.version).setSnapshot(entry.id);
                first = false;
                out.onNext(c.build());
                pos += n;
                session.touch();
                if (last) {
                    finished = true;
                    out.onCompleted();
                    rt.pullEnded(session, this, entry, true);
                    entry = null; // a finished pull keeps no snapshot reachable
                }
            }
        }
    }

    /** One upload: header, then data chunks; replies once, when it is applied, rejected or refused. */
    private final class PushStream implements StreamObserver<DeltaChunk> {
        private final StreamObserver<PushReply> out;
        private Session session;
        private DeltaAssembler asm;
        private boolean counted;
        private boolean closed;

        PushStream(StreamObserver<PushReply> out) {
            this.out = out;
        }

        @Override
        public void onNext(DeltaChunk c) {
            try {
                receive(c);
            } finally {
                chunks.release(c); // its bytes are in the upload now (or refused): the transport's buffers go back
            }
        }

        private void receive(DeltaChunk c) {
            if (closed) return;
            if (asm == null) {
                header(c);
                return;
            }
            if (c.getPartCase() != DeltaChunk.PartCase.DATA) {
                refuse("a push has one header, then data chunks; got " + c.getPartCase(), Refusal.MALFORMED);
                return;
            }
            session.touch();
            String bad;
            try {
                bad = asm.add(c.getData());
            } catch (IOException e) {
                unavailable("the coordinator could not spool the upload to " + spool.dir() + ": " + e.getMessage());
                return;
            }
            if (bad != null) refuse(bad, Refusal.CORRUPT);
        }

        private void header(DeltaChunk c) {
            if (c.getPartCase() != DeltaChunk.PartCase.HEADER) {
                reply(Refusal.MALFORMED, "the first chunk of a push must be its header");
                return;
            }
            DeltaHeader h = c.getHeader();
            String bad = Checks.session(h.getSession());
            if (bad == null) {
                session = rt.session(h.getSession());
                if (session == null) bad = rt.unknown(h.getSession());
            }
            if (bad != null) {
                rt.log("refused a push for member " + h.getSession().getMember() + ": " + bad);
                reply(Refusal.NOT_A_MEMBER, bad);
                return;
            }
            bad = Checks.header(h, rt.run());
            if (bad != null) {
                rt.refused(session, h, bad, Refusal.MALFORMED);
                answer(Refusal.MALFORMED, bad);
                return;
            }
            if (session.pushesInFlight.incrementAndGet() > rt.options().maxPushesPerMember()) {
                session.pushesInFlight.decrementAndGet();
                reply(Refusal.BUSY, "member " + session + " already has " + rt.options().maxPushesPerMember() + " pushes in flight");
                return;
            }
            counted = true;
            session.touch();
            asm = new DeltaAssembler(h, spool, layouts.counter(h));
        }

        @Override
        public void onError(Throwable t) {
            if (closed) return;
            closed = true;
            if (asm == null) {
                release();
                return;
            }
            // The slot is freed before the line is logged: whoever reads it may push again at once.
            DeltaAssembler upload = take();
            end(upload, () -> rt.log("push from " + session + " broke off after " + upload.received() + " of " + upload.header().getSize()
                    + " bytes (" + Status.fromThrowable(t).getCode() + "); nothing was applied"));
        }

        @Override
        public void onCompleted() {
            if (closed) return;
            if (asm == null) {
                reply(Refusal.MALFORMED, "a push without a header");
                return;
            }
            String bad = asm.finish();
            if (bad != null) {
                refuse(bad, Refusal.CORRUPT);
                return;
            }
            closed = true;
            DeltaAssembler upload = take();
            long arrived = rt.nanos();
            // The slot and the reply before the upload is freed: nothing about the spool may keep either from the worker.
            rt.delta(session, upload.header(), upload.source()).whenComplete((r, err) -> end(upload, () -> {
                if (err != null) {
                    out.onError(status(err));
                } else {
                    if (r.getAccepted()) rt.answered(arrived);
                    out.onNext(r);
                    out.onCompleted();
                }
            }));
        }

        private void refuse(String reason, Refusal code) {
            DeltaAssembler upload = take();
            rt.refused(session, upload.header(), reason, code);
            end(upload, () -> answer(code, reason));
        }

        /**
         * The coordinator's own trouble (its spool cannot be written), not the worker's bytes: the
         * push fails with UNAVAILABLE, which the worker retries with the same push id, and its
         * assignment is not used up.
         */
        private void unavailable(String why) {
            closed = true;
            end(take(), () -> {
                rt.log("push from " + session + " not taken: " + why + "; the worker will retry it");
                out.onError(Status.UNAVAILABLE.withDescription(why).asRuntimeException());
            });
        }

        /** The stream's upload, which the stream no longer holds: whoever took it ends it ({@link #end}). */
        private DeltaAssembler take() {
            DeltaAssembler upload = asm;
            asm = null;
            return upload;
        }

        /**
         * Ends an upload the stream no longer holds: gives back the member's slot, runs {@code tell}
         * (the reply, or the log line), then frees the upload's memory and spool whatever {@code tell}
         * did; what goes wrong freeing is logged, never thrown at the transport.
         */
        private void end(DeltaAssembler upload, Runnable tell) {
            release();
            try {
                tell.run();
            } finally {
                String problem = upload.close();
                if (problem != null) rt.log(problem);
            }
        }

        private void release() {
            if (counted) {
                counted = false;
                session.pushesInFlight.decrementAndGet();
            }
        }

        /** Refuses a push the runtime never sees (no session to charge it to, or too many in flight). */
        private void reply(Refusal code, String reason) {
            rt.refusedEarly(code);
            answer(code, reason);
        }

        /** Refuses the push: the only reply the service itself gives (the coordinator answers the rest). */
        private void answer(Refusal code, String reason) {
            closed = true;
            out.onNext(PushReply.newBuilder().setAccepted(false).setRefusal(Refusals.toProto(code)).setReason(reason).build());
            out.onCompleted();
        }
    }
}
