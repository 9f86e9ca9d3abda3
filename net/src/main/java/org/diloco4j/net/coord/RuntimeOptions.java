package org.diloco4j.net.coord;

import org.diloco4j.net.wire.Limits;

/**
 * Knobs of the coordinator's network runtime (not of the training: those are in the run config).
 *
 * @param heartbeatSeconds          how often workers send heartbeats (they are told at join)
 * @param sessionTimeoutSeconds     silence after which a worker is declared lost (Kafka's session.timeout.ms)
 * @param chunkBytes                largest piece of θ or of a pseudo-gradient in one message
 * @param checkpointEveryOuterSteps save a checkpoint every so many outer steps (0: only at the end and on stop)
 * @param checkpointEverySeconds    also save when this much time passed since the last save and θ changed (0: never)
 * @param maxPushesPerMember        pseudo-gradient uploads one member may have in flight at once
 * @param thetaCacheBytes           cap on the budget of encoded θ snapshots kept for pulls (the budget is 2 bytes per parameter,
 *                                  a quarter of the heap at most, one θ at least: {@link ThetaCacheSize})
 * @param evalEveryTokens           evaluate the global θ each time this many more tokens were trained (0: start and end)
 * @param admission                 how many members, and how fast one address may join
 * @param spool                     where uploads wait until applied: the spool directory and the uploads' in-memory budget
 * @param thetaSnapshots            where the encoded θ snapshots pulls are served from are kept: the heap, files in the spool
 *                                  directory, or (auto) as the heap allows ({@link MemoryBound#place()})
 */
public record RuntimeOptions(double heartbeatSeconds, double sessionTimeoutSeconds, int chunkBytes, long checkpointEveryOuterSteps,
                             double checkpointEverySeconds, int maxPushesPerMember, long thetaCacheBytes, long evalEveryTokens,
                             AdmissionLimits admission, SpoolOptions spool, SnapshotPlace thetaSnapshots) {
    public RuntimeOptions {
        if (thetaSnapshots == null) throw new IllegalArgumentException("the θ snapshots' place is required (SnapshotPlace.AUTO)");
        if (admission == null) throw new IllegalArgumentException("admission limits are required (AdmissionLimits.DEFAULT)");
        if (spool == null) throw new IllegalArgumentException("spool options are required (SpoolOptions.defaults())");
        need(heartbeatSeconds > 0 && Double.isFinite(heartbeatSeconds), "heartbeat interval", heartbeatSeconds + " s", "> 0");
        need(sessionTimeoutSeconds >= 2 * heartbeatSeconds && Double.isFinite(sessionTimeoutSeconds), "session timeout",
                sessionTimeoutSeconds + " s", "at least twice the heartbeat interval (" + heartbeatSeconds + " s)");
        need(Limits.chunkAllowed(chunkBytes), "chunk size", chunkBytes + " bytes", Limits.CHUNK_RANGE);
        need(checkpointEveryOuterSteps >= 0, "checkpoint interval", checkpointEveryOuterSteps + " outer steps", ">= 0");
        need(checkpointEverySeconds >= 0 && Double.isFinite(checkpointEverySeconds), "checkpoint interval", checkpointEverySeconds + " s", ">= 0");
        need(maxPushesPerMember >= 1, "pushes in flight per member", maxPushesPerMember, ">= 1");
        need(thetaCacheBytes >= 0, "θ cache", thetaCacheBytes + " bytes", ">= 0");
        need(evalEveryTokens >= 0, "eval interval", evalEveryTokens + " tokens", ">= 0");
    }

    private static void need(boolean ok, String what, Object value, String allowed) {
        if (!ok) throw new IllegalArgumentException(what + " = " + value + ": must be " + allowed);
    }

    /**
     * Heartbeat 2 s, session timeout 20 s, 1 MiB chunks, a checkpoint every 10 outer steps or 60 s, θ cache of at most 256 MiB,
     * uploads spooled to the temporary directory past 32 MiB held in memory by all members together, θ snapshots where the heap allows.
     */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(Limits.DEFAULT_HEARTBEAT_SECONDS, Limits.DEFAULT_SESSION_TIMEOUT_SECONDS, Limits.DEFAULT_CHUNK_KIB * Limits.KIB,
                10, Limits.DEFAULT_CHECKPOINT_SECONDS, 2, 256L << 20, 0, AdmissionLimits.DEFAULT, SpoolOptions.defaults(),
                SnapshotPlace.AUTO);
    }

    public RuntimeOptions withHeartbeat(double heartbeat, double sessionTimeout) {
        return new RuntimeOptions(heartbeat, sessionTimeout, chunkBytes, checkpointEveryOuterSteps, checkpointEverySeconds,
                maxPushesPerMember, thetaCacheBytes, evalEveryTokens, admission, spool, thetaSnapshots);
    }

    public RuntimeOptions withChunkBytes(int bytes) {
        return new RuntimeOptions(heartbeatSeconds, sessionTimeoutSeconds, bytes, checkpointEveryOuterSteps, checkpointEverySeconds,
                maxPushesPerMember, thetaCacheBytes, evalEveryTokens, admission, spool, thetaSnapshots);
    }

    public RuntimeOptions withCheckpoints(long everyOuterSteps, double everySeconds) {
        return new RuntimeOptions(heartbeatSeconds, sessionTimeoutSeconds, chunkBytes, everyOuterSteps, everySeconds,
                maxPushesPerMember, thetaCacheBytes, evalEveryTokens, admission, spool, thetaSnapshots);
    }

    public RuntimeOptions withEvalEveryTokens(long tokens) {
        return new RuntimeOptions(heartbeatSeconds, sessionTimeoutSeconds, chunkBytes, checkpointEveryOuterSteps, checkpointEverySeconds,
                maxPushesPerMember, thetaCacheBytes, tokens, admission, spool, thetaSnapshots);
    }

    public RuntimeOptions withAdmission(AdmissionLimits limits) {
        return new RuntimeOptions(heartbeatSeconds, sessionTimeoutSeconds, chunkBytes, checkpointEveryOuterSteps, checkpointEverySeconds,
                maxPushesPerMember, thetaCacheBytes, evalEveryTokens, limits, spool, thetaSnapshots);
    }

    public RuntimeOptions withSpool(SpoolOptions options) {
        return new RuntimeOptions(heartbeatSeconds, sessionTimeoutSeconds, chunkBytes, checkpointEveryOuterSteps, checkpointEverySeconds,
                maxPushesPerMember, thetaCacheBytes, evalEveryTokens, admission, options, thetaSnapshots);
    }

    public RuntimeOptions withThetaSnapshots(SnapshotPlace place) {
        return new RuntimeOptions(heartbeatSeconds, sessionTimeoutSeconds, chunkBytes, checkpointEveryOuterSteps, checkpointEverySeconds,
                maxPushesPerMember, thetaCacheBytes, evalEveryTokens, admission, spool, place);
    }
}
