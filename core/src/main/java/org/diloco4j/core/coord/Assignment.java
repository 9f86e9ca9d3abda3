package org.diloco4j.core.coord;

/**
 * One piece of work the coordinator handed a member, which exactly one push (or notice that there
 * is nothing to push) answers: a {@link Command.Train} of a synchronous or asynchronous method, or
 * one push slot of a streaming fragment (opened by the train order, and again by each
 * {@link Command.ApplyFragment} of that fragment).
 *
 * @param id          unique in the run and increasing; survives a checkpoint and a resume
 * @param member      who was given it
 * @param fragment    the fragment its push carries (0 unless streaming)
 * @param baseVersion the θ version (streaming: the fragment's round) its push must start from
 * @param steps       inner steps assigned; {@link Command.Train#OPEN_ENDED} for a streaming slot
 * @param issuedAt    the driver's clock when it was issued (streaming: when the member's open-ended
 *                    assignment started, which every push's compute time lies within)
 */
public record Assignment(long id, int member, int fragment, long baseVersion, int steps, double issuedAt) {
    public boolean openEnded() {
        return steps == Command.Train.OPEN_ENDED;
    }
}
