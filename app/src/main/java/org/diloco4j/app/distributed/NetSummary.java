package org.diloco4j.app.distributed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.diloco4j.core.io.AtomicFiles;
import org.diloco4j.app.run.Summary;
import org.diloco4j.core.run.RunResult;
import org.diloco4j.net.coord.RunTotals;
import org.diloco4j.net.wire.WireCounter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** summary.json of a networked run (the same contract as a simulated one), and wire.json beside it. */
final class NetSummary {
    private NetSummary() {
    }

    /**
     * The summary; {@code simulated_seconds} is 0 (nothing was simulated), wall seconds are the run's
     * clock, and {@code contributing_workers} counts the workers with a pseudo-gradient applied
     * ({@code workers} counts every one admitted, a join that never trained included).
     */
    static Summary of(String method, long params, int tokensPerWorkerStep, RunTotals t) {
        return Summary.of(method, params, tokensPerWorkerStep, result(t), t.seconds()).withContributingWorkers(t.contributingWorkers());
    }

    /** The coordinator runtime's totals as the result every driver reports. */
    static RunResult result(RunTotals t) {
        return new RunResult(0.0, t.outerSteps(), t.tokens(), t.bytesUp(), t.bytesDown(), t.staleness(), t.workers(),
                t.initialEval(), t.finalEval(), t.stopReason());
    }

    /**
     * wire.json: the bytes the coordinator's gRPC server counted per method (serialized messages),
     * next to the ledger's encoded sizes, so the framing overhead can be read off.
     */
    static void writeWire(Path file, RunTotals t) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, Object> methods = new LinkedHashMap<>();
        long in = 0;
        long out = 0;
        for (Map.Entry<String, WireCounter.Bytes> e : t.wire().entrySet()) {
            methods.put(e.getKey(), Map.of("bytes_in", e.getValue().in(), "bytes_out", e.getValue().out()));
            in += e.getValue().in();
            out += e.getValue().out();
        }
        m.put("methods", methods);
        m.put("bytes_in", in);
        m.put("bytes_out", out);
        m.put("ledger_bytes_up", t.bytesUp());
        m.put("ledger_bytes_down", t.bytesDown());
        AtomicFiles.write(file, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(m));
    }
}
