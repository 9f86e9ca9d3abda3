package org.diloco4j.net.coord;

import org.diloco4j.core.codec.Codec;
import org.diloco4j.core.codec.Codecs;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.ingest.ArrivalCounts;
import org.diloco4j.core.optim.OuterOptimizerConfig;
import org.diloco4j.net.wire.RunDefinition;

import java.util.Locale;

/**
 * What a networked coordinator's heap has to hold, checked when it starts (issue 14): a coordinator
 * whose JVM may not grow that large is refused with one line at once, instead of dying of
 * OutOfMemoryError minutes or days into the run. The parts:
 * <ul>
 *   <li>θ in fp32, in chunks of 2^26 values or one array: the same bytes (a 16-byte header per chunk);</li>
 *   <li>the outer optimizer's buffers, per fragment (streaming keeps one optimizer per fragment,
 *       the others one for the whole model): Delayed Nesterov a momentum and an accumulator,
 *       Nesterov and heavy-ball momentum one buffer, SGD none. Counted as configured: with
 *       {@code buffer_close = window} the coordinator runs Delayed Nesterov as Nesterov, one buffer
 *       fewer, so the bound errs high there;</li>
 *   <li>the encoded θ snapshots pulls are served from, where they are ({@link #place()}): on the heap,
 *       their budget ({@link ThetaCacheSize}: 2 bytes per parameter within its cap and a quarter of the
 *       heap, at least one whole encoded θ); in files, only what writing and reading them holds (one
 *       encoded piece, and a chunk per worker's pull), their bytes being in the page cache. A pull
 *       streams slices of a snapshot, so a download costs a worker nothing more;</li>
 *   <li>the uploads waiting to be applied, as far as they are held in memory: the spool's budget,
 *       shared by all members ({@link SpoolOptions#memoryBytes()}; the rest waits in spool files, in
 *       the page cache), or less when every upload the admitted workers may have in flight fits in
 *       less;</li>
 *   <li>per worker the admission cap allows, the message being received of each upload it may have
 *       in flight ({@link RuntimeOptions#maxPushesPerMember()}): a whole chunk
 *       ({@link RuntimeOptions#chunkBytes()}, or the whole upload if smaller) is received before the
 *       spool sees it, parsed onto the heap for in-process calls; over a socket
 *       {@link org.diloco4j.net.wire.DeltaChunkMarshaller} leaves its data in Netty's direct buffers,
 *       off the heap, so the bound errs high there;
 *       and a table codec's codes counted as they arrive ({@link ArrivalCounts#heapBytes}: 31 MB per
 *       int8 upload at 1B).</li>
 * </ul>
 * It is a floor, not a forecast: the JVM's own classes, transient copies while θ is encoded (one
 * encoded piece of 2^18 values, {@link ThetaPieces}), the copy of θ an evaluation takes, and
 * garbage not yet collected come on top.
 *
 * @param maxHeap        the heap the JVM may grow to ({@link Runtime#maxMemory()})
 * @param thetaBytes     θ in fp32
 * @param optimizer      the outer optimizer as configured
 * @param optimizerBytes its buffers, all fragments
 * @param thetaCacheCap  the snapshot budget's configured cap ({@link RuntimeOptions#thetaCacheBytes()})
 * @param oneThetaBytes  one whole θ, encoded for pulls
 * @param workers        live workers the admission cap allows
 * @param perWorkerBytes what one worker's uploads in flight hold: a chunk of each being received and its arrival counts
 * @param spoolBytes     uploads waiting in memory, all workers together
 * @param snapshots      where θ snapshots were asked to be kept ({@link RuntimeOptions#thetaSnapshots()}); {@link #place()} resolves auto
 * @param pullChunkBytes a chunk of θ a pull of a file snapshot holds on the heap while it is sent ({@link RuntimeOptions#chunkBytes()})
 */
public record MemoryBound(long maxHeap, long thetaBytes, OuterOptimizerConfig.Kind optimizer, long optimizerBytes, long thetaCacheCap,
                          long oneThetaBytes, int workers, long perWorkerBytes, long spoolBytes, SnapshotPlace snapshots, long pullChunkBytes) {
    /** The launcher's variable for JVM options (./diloco). */
    static final String JAVA_OPTS = "DILOCO_JAVA_OPTS";
    private static final long GIB = 1L << 30;

    /** The bound of {@code run} under {@code cc} and {@code opts}, in a JVM that may grow to {@code maxHeap} bytes. */
    public static MemoryBound of(RunDefinition run, CoordinatorConfig cc, RuntimeOptions opts, long maxHeap) {
        OuterOptimizerConfig.Kind kind = cc.outer().kind();
        Codec down = Codecs.parse(run.downCodec());
        long oneTheta = ThetaCacheSize.oneTheta(run, down);
        long upload = 0;
        for (int p = 0; p < run.plan().count(); p++) upload = Math.max(upload, run.deltaBytes(p));
        long counts = ArrivalLayouts.heapBytes(run);
        int workers = opts.admission().resolve(cc.minWorkers()).maxMembers();
        long inFlight = (long) workers * opts.maxPushesPerMember() * upload;
        return new MemoryBound(maxHeap, 4L * run.modelSize(), kind, 4L * kind.buffers() * run.plan().totalSize(),
                opts.thetaCacheBytes(), oneTheta, workers, opts.maxPushesPerMember() * (Math.min(opts.chunkBytes(), upload) + counts),
                Math.min(opts.spool().memoryBytes(), inFlight), opts.thetaSnapshots(), Math.min(opts.chunkBytes(), oneTheta));
    }

    /**
     * Where θ snapshots are kept: as configured, or (auto) on the heap when it holds them beside
     * everything else, else in files (whether the heap then holds the rest is {@link #fits()}).
     */
    public SnapshotPlace place() {
        if (snapshots != SnapshotPlace.AUTO) return snapshots;
        return fixedBytes() + snapshotBytes(maxHeap) <= maxHeap ? SnapshotPlace.HEAP : SnapshotPlace.FILE;
    }

    /** Encoded θ kept for pulls on a heap of {@code heap} bytes: the snapshot budget, which depends on the heap. */
    long snapshotBytes(long heap) {
        return ThetaCacheSize.bytes(thetaCacheCap, heap, oneThetaBytes, thetaBytes / 4);
    }

    /** The snapshot budget: bytes of the heap, or (files) of the disk, not limited by the heap's size. */
    public long snapshotBytes() {
        return snapshotBytes(place() == SnapshotPlace.HEAP ? maxHeap : Long.MAX_VALUE);
    }

    /** What the snapshots hold on the heap: their budget, or with files one encoded piece and a chunk per worker's pull. */
    public long snapshotHeapBytes() {
        return place() == SnapshotPlace.HEAP ? snapshotBytes(maxHeap) : fileHeapBytes();
    }

    private long fileHeapBytes() {
        return FileSnapshots.HEAP_BYTES + workers * pullChunkBytes;
    }

    public long needBytes() {
        return fixedBytes() + snapshotHeapBytes();
    }

    /** Everything but the snapshots, whose share of the heap alone depends on where they are and on the heap. */
    private long fixedBytes() {
        return thetaBytes + optimizerBytes + spoolBytes + workers * perWorkerBytes;
    }

    public boolean fits() {
        return needBytes() <= maxHeap;
    }

    /** What is wrong, naming the need, its parts and the heap. */
    public String problem() {
        return String.format(Locale.ROOT, "the coordinator needs at least %s of heap (θ %s + %s state %s + θ snapshots for pulls %s"
                        + " + uploads in memory %s + %d workers × %s) but this JVM may use only %s", size(needBytes()), size(thetaBytes),
                optimizer.id(), size(optimizerBytes), snapshotsPart(), size(spoolBytes), workers, size(perWorkerBytes), size(maxHeap));
    }

    private String snapshotsPart() {
        return place() == SnapshotPlace.HEAP ? size(snapshotHeapBytes()) : size(snapshotHeapBytes()) + " (kept in files)";
    }

    /** What to do: the smallest whole-GiB heap that fits, and the other lever, fewer workers. */
    public String remedy() {
        String xmx = "-Xmx" + heapThatFitsGib() + "g";
        return "give it more with " + JAVA_OPTS + "=" + xmx + " ./diloco coordinator … (java " + xmx + "), or admit fewer workers (--max-workers)";
    }

    /** Throws with {@link #problem()}; {@link #remedy()} if the heap cannot hold the need. */
    public void require() {
        if (!fits()) throw new IllegalStateException(problem() + "; " + remedy());
    }

    /**
     * The smallest heap, in whole GiB, this bound fits in: with snapshots in files (unless they were
     * asked for on the heap), else with the snapshot budget, which grows with the heap up to its cap.
     */
    long heapThatFitsGib() {
        long fixed = fixedBytes();
        if (snapshots != SnapshotPlace.HEAP) return Math.max(1, (fixed + fileHeapBytes() + GIB - 1) / GIB);
        long g = Math.max(1, (fixed + GIB - 1) / GIB);
        while (fixed + snapshotBytes(g * GIB) > g * GIB) g++;
        return g;
    }

    private static String size(long bytes) {
        if (bytes >= GIB) return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) GIB);
        if (bytes >= 1 << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
}
