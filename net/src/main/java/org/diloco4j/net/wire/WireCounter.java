package org.diloco4j.net.wire;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerStreamTracer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the bytes of the gRPC messages that cross the wire (each message as serialized, and
 * compressed if compression were on), per RPC method and direction. gRPC's 5-byte message prefix
 * and the HTTP/2 and TLS framing below it are not seen here. Installs as a server stream tracer or
 * as a client interceptor. Transports that do not serialize (in-process) report nothing.
 */
public final class WireCounter {
    /** Bytes in and out of one method, from the point of view of the side that counts. */
    public record Bytes(long in, long out) {
    }

    private final Map<String, LongAdder[]> byMethod = new ConcurrentHashMap<>();

    private LongAdder[] of(String fullMethod) {
        String method = fullMethod.substring(fullMethod.lastIndexOf('/') + 1);
        return byMethod.computeIfAbsent(method, k -> new LongAdder[] {new LongAdder(), new LongAdder()});
    }

    /** Bytes received ({@code in}) and sent ({@code out}) by method name (e.g. {@code PushDelta}). */
    public Map<String, Bytes> totals() {
        Map<String, Bytes> m = new TreeMap<>();
        byMethod.forEach((k, v) -> m.put(k, new Bytes(v[0].sum(), v[1].sum())));
        return m;
    }

    public Bytes method(String name) {
        LongAdder[] v = byMethod.get(name);
        return v == null ? new Bytes(0, 0) : new Bytes(v[0].sum(), v[1].sum());
    }

    /** For {@code ServerBuilder.addStreamTracerFactory}. */
    public ServerStreamTracer.Factory serverTracer() {
        return new ServerStreamTracer.Factory() {
            @Override
            public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
                LongAdder[] c = of(fullMethodName);
                return new ServerStreamTracer() {
                    @Override
                    public void inboundWireSize(long bytes) {
                        c[0].add(bytes);
                    }

                    @Override
                    public void outboundWireSize(long bytes) {
                        c[1].add(bytes);
                    }
                };
            }
        };
    }

    /** For {@code ManagedChannelBuilder.intercept}. */
    public ClientInterceptor clientInterceptor() {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                LongAdder[] c = of(method.getFullMethodName());
                ClientStreamTracer.Factory f = new ClientStreamTracer.Factory() {
                    @Override
                    public ClientStreamTracer newClientStreamTracer(ClientStreamTracer.StreamInfo info, Metadata headers) {
                        return new ClientStreamTracer() {
                            @Override
                            public void inboundWireSize(long bytes) {
                                c[0].add(bytes);
                            }

                            @Override
                            public void outboundWireSize(long bytes) {
                                c[1].add(bytes);
                            }
                        };
                    }
                };
                return next.newCall(method, options.withStreamTracerFactory(f));
            }
        };
    }
}
