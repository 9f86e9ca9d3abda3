package org.diloco4j.net.coord;

/**
 * The encoded θ snapshots a coordinator keeps for pulls ({@link ThetaStore}), as a tool or a test
 * reads them: the budget they are held within, what is kept now, and the most kept at once so far.
 *
 * @param budget    bytes of snapshots the memory bound allows ({@link ThetaCacheSize}); held snapshots of
 *                  synchronous rounds or streaming may exceed it, newest-θ snapshots never do
 * @param bytes     bytes of snapshots kept now
 * @param count     snapshots kept now
 * @param peakBytes the most bytes kept at once
 * @param peakCount the most snapshots kept at once
 * @param waiting   pulls waiting for room in the budget now
 * @param servedNewer pulls so far served a newer θ than their order named (their assignments moved forward)
 */
public record ThetaSnapshots(long budget, long bytes, int count, long peakBytes, int peakCount, int waiting, long servedNewer) {
}
