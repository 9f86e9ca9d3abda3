package org.diloco4j.bench.codec;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Single-thread throughput of each codec on one pseudo-gradient of {@code n} fp32 values: encode,
 * decode, and both (a round trip, the cost a sender plus a receiver pay). Throughput in GB/s of
 * fp32 input is 4·n bytes divided by the time per operation.
 *
 * <p>Run: {@code scripts/bench-jmh codecs CodecBench -f 1 -wi 2 -i 3}; docs/bench/codecs.md holds the results.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
// A fixed, pre-touched heap: each encode allocates its message, and first-touch page faults of a
// growing heap would otherwise be measured instead of the codec (a long-running worker's heap is warm).
@Fork(value = 1, jvmArgs = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class CodecBench {
    @Param({"fp32", "fp16", "bf16", "int8", "q4", "fp4", "topk:0.01"})
    public String codec;

    @Param("100000000")
    public int n;

    private Codec c;
    private float[] values;
    private byte[] encoded;
    private float[] out;

    @Setup
    public void setUp() {
        c = Codecs.parse(codec);
        values = new float[n];
        // Pseudo-gradient-like: Gaussian with a few heavy outliers, magnitude ~1e-3.
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < n; i++) values[i] = (float) (1e-3 * r.nextGaussian() * (r.nextInt(1000) == 0 ? 20 : 1));
        encoded = c.encode(values);
        out = new float[n];
    }

    @Benchmark
    public byte[] encode() {
        return c.encode(values, 0, n);
    }

    @Benchmark
    public float[] decode() {
        c.decode(encoded, out, 0, n);
        return out;
    }

    @Benchmark
    public float[] roundTrip() {
        c.decode(c.encode(values, 0, n), out, 0, n);
        return out;
    }
}
