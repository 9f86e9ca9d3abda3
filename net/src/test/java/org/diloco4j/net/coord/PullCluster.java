package org.diloco4j.net.coord;

import com.google.protobuf.ByteString;
import io.grpc.ForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.Method;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.core.params.Fp32Vector;
import org.diloco4j.net.FakeClock;
import org.diloco4j.net.auth.Token;
import org.diloco4j.net.auth.TokenHeader;
import org.diloco4j.net.metrics.CoordinatorMetrics;
import org.diloco4j.net.proto.DeltaChunk;
import org.diloco4j.net.proto.DeltaHeader;
import org.diloco4j.net.proto.DilocoGrpc;
import org.diloco4j.net.proto.JoinReply;
import org.diloco4j.net.proto.JoinRequest;
import org.diloco4j.net.proto.Order;
import org.diloco4j.net.proto.PullRequest;
import org.diloco4j.net.proto.PushReply;
import org.diloco4j.net.proto.SubscribeRequest;
import org.diloco4j.net.proto.ThetaChunk;
import org.diloco4j.net.proto.TrainOrder;
import org.diloco4j.net.wire.Limits;
import org.diloco4j.net.wire.RunDefinition;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32C;

/**
 * An asynchronous coordinator of a θ large enough for many chunks, served in process to hand-driven
 * members that pull and push when a test says. The server counts the θ chunks it sends. The run's
 * clock is fake and never advances, so no session times out while a test takes its time.
 */
final class PullCluster implements AutoCloseable {
    static final Token TOKEN = Token.of("pull-test-token-0123456789");

    final int floats;
    final float[] theta0;
    final CoordinatorRuntime runtime;
    final List<Metric> metrics = new CopyOnWriteArrayList<>();
    /** θ chunks the server has handed to gRPC, over all pulls. */
    final AtomicInteger chunksSent = new AtomicInteger();
    /** The threads that handed θ chunks to gRPC. */
    final java.util.Set<String> senders = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final CoordinatorServer server;
    private final String name = "pulls-" + UUID.randomUUID();

    PullCluster(int floats, int members, String downCodec, int chunkBytes) throws IOException {
        this(floats, members, downCodec, chunkBytes, o -> o);
    }

    /** @param options changes to the runtime's options (e.g. where θ snapshots are kept) */
    PullCluster(int floats, int members, String downCodec, int chunkBytes, java.util.function.UnaryOperator<RuntimeOptions> options) throws IOException {
        this(config(members, Method.ASYNC).downCodec(downCodec).build(), floats, chunkBytes, options, Fp32Vector::wrap, null);
    }

    /** An asynchronous configuration of {@code members} members, each its own shard, for {@code method}; the test adds the rest. */
    static CoordinatorConfig.Builder config(int members, Method method) {
        long[] shards = new long[members];
        java.util.Arrays.fill(shards, 1000);
        return CoordinatorConfig.builder().method(method).innerSteps(10).minWorkers(members).shards(DataShards.own(shards)).tokenBudget(1L << 40);
    }

    /**
     * @param form  θ₀ in the form the coordinator holds it (one array, or chunks)
     * @param store where the runtime's checkpoints go, or null
     */
    PullCluster(CoordinatorConfig cfg, int floats, int chunkBytes, java.util.function.UnaryOperator<RuntimeOptions> options,
                java.util.function.Function<float[], Fp32Vector> form, CheckpointStore store) throws IOException {
        this.floats = floats;
        RuntimeOptions opts = options.apply(RuntimeOptions.defaults().withChunkBytes(chunkBytes).withCheckpoints(0, 0));
        RunDefinition run = RunDefinition.of("# pulls\n", cfg, FragmentPlan.whole(floats), chunkBytes);
        theta0 = new float[floats];
        for (int i = 0; i < floats; i++) theta0[i] = (i % 1000) * 1e-3f - 0.5f;
        RuntimeListener listener = new RuntimeListener() {
            public void metric(Metric m) {
                metrics.add(m);
            }

            public void segment(String worker, org.diloco4j.core.run.Segment.Kind kind, double start, double end) {
            }

            public void log(String line) {
            }
        };
        runtime = CoordinatorRuntime.start(run, Coordinator.adopting(cfg, run.plan(), form.apply(theta0.clone()), m -> { }), opts, null, listener, store,
                CoordinatorMetrics.NONE, new FakeClock());
        ServerInterceptor counter = new ServerInterceptor() {
            @Override
            public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
                if (!call.getMethodDescriptor().getBareMethodName().equals("PullTheta")) return next.startCall(call, headers);
                return next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void sendMessage(A message) {
                        chunksSent.incrementAndGet();
                        senders.add(Thread.currentThread().getName());
                        super.sendMessage(message);
                    }
                }, headers);
            }
        };
        this.server = CoordinatorServer.start(InProcessServerBuilder.forName(name).intercept(counter), runtime, TOKEN);
    }

    Member member(String name) {
        return new Member(name, UUID.randomUUID().toString());
    }

    /** A member of a fixed process instance: two runs of the same test then save the same checkpoint. */
    Member member(String name, String instance) {
        return new Member(name, instance);
    }

    List<Metric.OuterStep> steps() {
        return metrics.stream().filter(m -> m instanceof Metric.OuterStep).map(m -> (Metric.OuterStep) m).toList();
    }

    static void waitFor(BooleanSupplier cond) throws InterruptedException {
        long until = System.nanoTime() + 10_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > until) throw new AssertionError("condition not met within 10 s");
            Thread.sleep(5);
        }
    }

    @Override
    public void close() {
        server.close();
        runtime.close();
    }

    /** What a pull got: the version and snapshot its first chunk named, the bytes, and the final chunk's CRC32C. */
    record Got(long version, long snapshot, byte[] bytes, int crc) {
        boolean intact() {
            CRC32C c = new CRC32C();
            c.update(bytes);
            return (int) c.getValue() == crc;
        }
    }

    /** A hand-driven member. */
    final class Member implements AutoCloseable {
        final ManagedChannel channel = InProcessChannelBuilder.forName(name).intercept(TokenHeader.interceptor(TOKEN)).build();
        final DilocoGrpc.DilocoBlockingStub blocking = DilocoGrpc.newBlockingStub(channel);
        final DilocoGrpc.DilocoStub async = DilocoGrpc.newStub(channel);
        final LinkedBlockingQueue<Order> orders = new LinkedBlockingQueue<>();
        final JoinReply joined;
        TrainOrder train;
        private long pushId;

        Member(String name, String instance) {
            joined = blocking.withDeadlineAfter(10, TimeUnit.SECONDS).join(JoinRequest.newBuilder().setName(name).setShard(-1)
                    .setInstance(instance).setProtocol(Limits.PROTOCOL).build());
            if (!joined.getAdmitted()) throw new AssertionError(name + " not admitted: " + joined.getReason());
            async.subscribe(SubscribeRequest.newBuilder().setSession(joined.getSession()).build(), new StreamObserver<>() {
                public void onNext(Order o) {
                    orders.add(o);
                }

                public void onError(Throwable t) {
                }

                public void onCompleted() {
                }
            });
        }

        TrainOrder nextTrain() throws InterruptedException {
            while (true) {
                Order o = orders.poll(10, TimeUnit.SECONDS);
                if (o == null) throw new AssertionError("no order within 10 s");
                if (o.hasTrain()) return train = o.getTrain();
            }
        }

        PullRequest request(long thetaId, long offset) {
            return PullRequest.newBuilder().setSession(joined.getSession()).setThetaId(thetaId).setOffset(offset).build();
        }

        /** Pulls snapshot {@code thetaId} (0: the newest θ its order may have) from {@code offset}, all of it. */
        Got pull(long thetaId, long offset) {
            Iterator<ThetaChunk> it = blocking.withDeadlineAfter(10, TimeUnit.SECONDS).pullTheta(request(thetaId, offset));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            long version = -1;
            long snapshot = -1;
            while (it.hasNext()) {
                ThetaChunk c = it.next();
                if (version < 0) {
                    version = c.getVersion();
                    snapshot = c.getSnapshot();
                }
                out.writeBytes(c.getData().toByteArray());
                if (c.getLast()) return new Got(version, snapshot, out.toByteArray(), c.getCrc32C());
            }
            throw new AssertionError("the pull ended without its last chunk");
        }

        SlowPull slowPull(long thetaId, long offset, int initial) {
            SlowPull p = new SlowPull(initial);
            async.pullTheta(request(thetaId, offset), p);
            return p;
        }

        /** Pushes a pseudo-gradient of {@code value} everywhere, in fp32, from {@code base}, answering the latest train order. */
        PushReply push(long base, float value) throws Exception {
            float[] g = new float[floats];
            java.util.Arrays.fill(g, value);
            return push(base, g, "fp32");
        }

        /** Pushes the pseudo-gradient {@code g} in {@code codec} from {@code base}, answering the latest train order. */
        PushReply push(long base, float[] g, String codec) throws Exception {
            byte[] data = org.diloco4j.core.codec.Codecs.parse(codec).encode(g);
            CRC32C crc = new CRC32C();
            crc.update(data);
            DeltaHeader h = DeltaHeader.newBuilder().setSession(joined.getSession()).setPushId(++pushId).setAssignment(train.getAssignment())
                    .setBaseVersion(base).setFragment(0).setSteps(10).setTokens(160).setComputeSeconds(0.01).setCodec(codec)
                    .setSize(data.length).setCrc32C((int) crc.getValue()).setTrainLoss(Double.NaN).build();
            CompletableFuture<PushReply> reply = new CompletableFuture<>();
            StreamObserver<DeltaChunk> s = async.pushDelta(new StreamObserver<>() {
                public void onNext(PushReply r) {
                    reply.complete(r);
                }

                public void onError(Throwable t) {
                    reply.completeExceptionally(t);
                }

                public void onCompleted() {
                }
            });
            s.onNext(DeltaChunk.newBuilder().setHeader(h).build());
            for (int p = 0; p < data.length; p += 1 << 16) {
                s.onNext(DeltaChunk.newBuilder().setData(ByteString.copyFrom(data, p, Math.min(1 << 16, data.length - p))).build());
            }
            s.onCompleted();
            return reply.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            channel.shutdownNow();
        }
    }

    /** A pull read with manual flow control: the server may send only the chunks asked for. */
    static final class SlowPull implements ClientResponseObserver<PullRequest, ThetaChunk> {
        final LinkedBlockingQueue<ThetaChunk> chunks = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> done = new CompletableFuture<>();
        private final int initial;
        private ClientCallStreamObserver<PullRequest> call;

        SlowPull(int initial) {
            this.initial = initial;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<PullRequest> r) {
            call = r;
            r.disableAutoRequestWithInitial(initial);
        }

        ThetaChunk next() throws InterruptedException {
            ThetaChunk c = chunks.poll(10, TimeUnit.SECONDS);
            if (c == null) throw new AssertionError("no chunk within 10 s");
            return c;
        }

        void request(int n) {
            call.request(n);
        }

        void cancel() {
            call.cancel("the test breaks the transfer off", null);
        }

        @Override
        public void onNext(ThetaChunk c) {
            chunks.add(c);
        }

        @Override
        public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            done.complete(Status.OK);
        }
    }
}
