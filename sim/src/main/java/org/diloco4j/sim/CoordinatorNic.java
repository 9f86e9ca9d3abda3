package org.diloco4j.sim;

/**
 * The coordinator's own network interface, shared by every worker's transfers: pseudo-gradients
 * come in through it and θ goes out through it, each direction one transfer at a time in the order
 * the workers send (first come, first served). A transfer arrives when both its worker's link and
 * the NIC have carried it, so W workers sending δ at once through a NIC of C bytes/s are done after
 * W·|δ| / C, as with a fair share. Unlike a fair share (TCP streams interleaved), the worker served
 * first has its θ first and starts computing first, so the workers' next pushes come in spread out:
 * what a coordinator that serves pulls one at a time would see. A simulation without a NIC
 * ({@link SimConfig#coordinatorNic} null) has an unlimited coordinator, as before this existed.
 *
 * @param inBytesPerSecond  workers → coordinator
 * @param outBytesPerSecond coordinator → workers
 */
public record CoordinatorNic(double inBytesPerSecond, double outBytesPerSecond) {
    public CoordinatorNic {
        if (!(inBytesPerSecond > 0) || Double.isInfinite(inBytesPerSecond)) {
            throw new IllegalArgumentException("coordinator NIC inbound " + inBytesPerSecond + " B/s must be a positive number");
        }
        if (!(outBytesPerSecond > 0) || Double.isInfinite(outBytesPerSecond)) {
            throw new IllegalArgumentException("coordinator NIC outbound " + outBytesPerSecond + " B/s must be a positive number");
        }
    }

}
