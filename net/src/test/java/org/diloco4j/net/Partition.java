package org.diloco4j.net;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import org.diloco4j.net.worker.WorkerClient;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A network partition between one worker and the coordinator, for tests: while {@link #cut} is
 * set, every new call of the worker's channel fails as UNAVAILABLE (heartbeats, pushes, pulls,
 * joins); lifting it lets the worker reach the coordinator again.
 */
final class Partition implements ClientInterceptor {
    final AtomicBoolean cut = new AtomicBoolean();

    /** A client of {@code cluster}'s in-process server whose calls go through this partition (closed with the cluster). */
    WorkerClient client(ToyCluster cluster) {
        WorkerClient c = WorkerClient.over(InProcessChannelBuilder.forName(cluster.name).intercept(this), ToyCluster.TOKEN);
        cluster.clients.add(c);
        return c;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        if (!cut.get()) return next.newCall(method, options);
        return new ClientCall<>() {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                listener.onClose(Status.UNAVAILABLE.withDescription("partitioned by the test"), new Metadata());
            }

            @Override
            public void request(int n) {
            }

            @Override
            public void cancel(String message, Throwable cause) {
            }

            @Override
            public void halfClose() {
            }

            @Override
            public void sendMessage(Q message) {
            }
        };
    }
}
