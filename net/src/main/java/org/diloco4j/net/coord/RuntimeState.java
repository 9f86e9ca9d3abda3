package org.diloco4j.net.coord;

import org.diloco4j.core.coord.Coordinator;
import org.diloco4j.core.train.EvalResult;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a coordinator runtime checkpoints: the coordinator itself (θ, outer optimizer state,
 * versions, membership, shard sampling, byte ledger) and the driver's own state — which members
 * were alive (they are declared lost on resume), the timers the coordinator had asked for, the
 * run's clock, the evaluation schedule and the workers' totals. Only classes of this project and
 * plain JDK data types may appear in a serialized state.
 */
final class RuntimeState implements java.io.Serializable {
    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
            "maxdepth=64;maxrefs=10000000;org.diloco4j.**;java.lang.*;java.util.*;[*;!*");

    final Coordinator coordinator;
    /** The resolved configuration the run was started with: a restart must use the same. */
    final String configToml;
    final TreeSet<Integer> members = new TreeSet<>();
    /** Timer key → the run's clock at which it fires. */
    final TreeMap<String, Double> timers = new TreeMap<>();
    double clock;
    long nextEvalTokens;
    final TreeMap<Long, Long> staleness = new TreeMap<>();
    /** Worker process (instance id) → its latest totals. */
    final LinkedHashMap<String, WorkerTotals> workers = new LinkedHashMap<>();
    EvalResult initialEval;
    EvalResult lastEval;
    long lastEvalVersion = -1;
    long restarts;
    /** Why the run ended, once it has. */
    String stopReason;

    RuntimeState(Coordinator coordinator, String configToml) {
        this.coordinator = coordinator;
        this.configToml = configToml;
    }

    byte[] serialize() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
        try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
            o.writeObject(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize the coordinator state", e);
        }
        return bytes.toByteArray();
    }

    static RuntimeState read(byte[] state) throws IOException {
        try (ObjectInputStream o = new ObjectInputStream(new ByteArrayInputStream(state))) {
            o.setObjectInputFilter(FILTER);
            return (RuntimeState) o.readObject();
        } catch (InvalidClassException e) {
            throw new IOException("checkpoint was written by an incompatible build of diloco4j: " + e.getMessage(), e);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException("checkpoint holds unexpected data: " + e.getMessage(), e);
        }
    }
}
