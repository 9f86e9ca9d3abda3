package org.diloco4j.net.coord;

/**
 * One worker process's totals, as it measured them itself (durations need no shared clock).
 *
 * @param name               display name
 * @param computeSeconds     seconds spent in inner steps (injected delays included)
 * @param communicateSeconds seconds spent on its own transfers (pulling θ, pushing pseudo-gradients)
 * @param idleSeconds        seconds waiting for orders or for other workers
 * @param steps              inner steps run
 * @param tokens             tokens trained
 * @param bytesUp            encoded pseudo-gradient bytes it pushed
 * @param bytesDown          encoded θ bytes it pulled
 */
public record WorkerTotals(String name, double computeSeconds, double communicateSeconds, double idleSeconds, long steps,
                           long tokens, long bytesUp, long bytesDown) {
}
