package org.diloco4j.bench.optim;

import java.util.concurrent.TimeUnit;
import org.diloco4j.core.optim.DelayedNesterov;
import org.diloco4j.core.optim.OuterNesterov;
import org.diloco4j.core.optim.OuterSgd;
import org.diloco4j.core.params.VectorOps;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One outer-optimizer step over a large parameter vector (default 100M fp32 parameters), single
 * thread. The step is memory-bandwidth bound; memory traffic per parameter, counting each array
 * element read or written once (4 bytes each):
 * <ul>
 *   <li>{@code sgd}: read θ, g; write θ = 12 B</li>
 *   <li>{@code nesterov}: read θ, b, g; write θ, b = 20 B</li>
 *   <li>{@code dnAccumulate} (Delayed Nesterov, an arrival between momentum updates, c = 0):
 *       read θ, acc, g; write θ, acc = 20 B</li>
 *   <li>{@code dnMomentumUpdate} (the N-th arrival of a buffer): read θ, m, acc, g; write θ, m = 24 B</li>
 *   <li>{@code finiteCheck}: the pass the coordinator adds after every outer step to check θ finite
 *       ({@code VectorOps.maxAbs}): read θ = 4 B</li>
 *   <li>{@code triad} (baseline, STREAM-style {@code a = b + s·c}): read b, c; write a = 12 B</li>
 * </ul>
 * GB/s = bytes/param × size / time. Run with
 * {@code scripts/bench-jmh outer-step OuterStepBench -f 1 -wi 2 -i 3 -jvmArgsAppend -Xmx8g};
 * results in docs/bench/outer-step.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx8g")
@Warmup(iterations = 2, time = 10)
@Measurement(iterations = 3, time = 10)
@Threads(1)
public class OuterStepBench {

    /** Fills deterministic values in a realistic range, no denormals: θ ~ O(1), g ~ O(1e-2). */
    static float[] filled(int n, int seed, float scale) {
        float[] x = new float[n];
        int s = seed;
        for (int i = 0; i < n; i++) {
            s = s * 1664525 + 1013904223;
            x[i] = scale * ((s >>> 8) * 0x1.0p-24f - 0.5f);
        }
        return x;
    }

    @State(Scope.Thread)
    public static class Sgd {
        @Param("100000000")
        public int size;
        float[] theta, g;
        OuterSgd opt;

        @Setup(Level.Trial)
        public void setup() {
            theta = filled(size, 1, 2f);
            g = filled(size, 2, 0.02f);
            opt = new OuterSgd(size, 0.7);
        }
    }

    @State(Scope.Thread)
    public static class Nesterov {
        @Param("100000000")
        public int size;
        float[] theta, g;
        OuterNesterov opt;

        @Setup(Level.Trial)
        public void setup() {
            theta = filled(size, 1, 2f);
            g = filled(size, 2, 0.02f);
            opt = new OuterNesterov(size, 0.7, 0.9);
            opt.step(theta, g); // past the first step, which only copies g into the buffer
        }
    }

    @State(Scope.Thread)
    public static class DnAccumulate {
        @Param("100000000")
        public int size;
        float[] theta, g;
        DelayedNesterov opt;

        @Setup(Level.Trial)
        public void setup() {
            theta = filled(size, 1, 2f);
            g = filled(size, 2, 0.02f);
            // A buffer that never fills: every timed arrival is a mid-buffer one (acc += g).
            opt = new DelayedNesterov(size, 0.7, 0.9, Integer.MAX_VALUE, 0);
            opt.step(theta, g);
        }
    }

    @State(Scope.Thread)
    public static class DnMomentum {
        @Param("100000000")
        public int size;
        float[] theta, g;
        DelayedNesterov opt;

        @Setup(Level.Trial)
        public void setup() {
            theta = filled(size, 1, 2f);
            g = filled(size, 2, 0.02f);
            opt = new DelayedNesterov(size, 0.7, 0.9, 2, 0);
            opt.step(theta, g);
            opt.step(theta, g); // past the first momentum update, which skips μ·m
        }

        /** The untimed first arrival of each buffer of N = 2, so every timed call is the momentum update. */
        @Setup(Level.Invocation)
        public void fillBuffer() {
            if (!opt.nextUpdatesMomentum()) opt.step(theta, g);
        }
    }

    @State(Scope.Thread)
    public static class Triad {
        @Param("100000000")
        public int size;
        float[] a, b, c;

        @Setup(Level.Trial)
        public void setup() {
            a = new float[size];
            b = filled(size, 1, 2f);
            c = filled(size, 2, 0.02f);
        }
    }

    @Benchmark
    public void sgd(Sgd s) {
        s.opt.step(s.theta, s.g);
    }

    /** The coordinator's check that θ is finite after an outer step (StepGuard), here over a whole θ after a Nesterov step. */
    @Benchmark
    public float finiteCheck(Nesterov s) {
        return VectorOps.maxAbs(s.theta, 0, s.size);
    }

    @Benchmark
    public void nesterov(Nesterov s) {
        s.opt.step(s.theta, s.g);
    }

    @Benchmark
    public void dnAccumulate(DnAccumulate s) {
        s.opt.step(s.theta, s.g);
    }

    @Benchmark
    public void dnMomentumUpdate(DnMomentum s) {
        s.opt.step(s.theta, s.g);
    }

    @Benchmark
    public void triad(Triad s) {
        float[] a = s.a, b = s.b, c = s.c;
        for (int i = 0; i < a.length; i++) a[i] = b[i] + 0.5f * c[i];
    }
}
