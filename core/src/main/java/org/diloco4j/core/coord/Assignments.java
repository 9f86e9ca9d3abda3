package org.diloco4j.core.coord;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The assignments handed out and not answered yet, by member: what makes a push an answer rather
 * than a replay. A push names the id of the assignment it answers; it is accepted for checking only
 * if that id is outstanding for its member with the same fragment and base version, and the
 * assignment is then answered (closed) whatever the checks say — a second push naming it is a
 * replay. A synchronous or asynchronous member has one outstanding assignment; a streaming member
 * one slot per fragment, and a few more while pushes of superseded rounds are still in flight (at
 * most {@link #SLOTS_PER_FRAGMENT} per fragment: the oldest is forgotten beyond that). A member that
 * leaves, is lost or evicted takes its assignments with it (a rejoin is a new member).
 */
final class Assignments {
    /** Outstanding slots kept per member and fragment; an honest streaming worker has at most two. */
    static final int SLOTS_PER_FRAGMENT = 4;

    private final TreeMap<Integer, List<Assignment>> outstanding = new TreeMap<>();
    private long nextId = 1;

    /** Issues a new assignment to {@code member} and returns it. */
    Assignment issue(int member, int fragment, long baseVersion, int steps, double now) {
        Assignment a = new Assignment(nextId++, member, fragment, baseVersion, steps, now);
        List<Assignment> mine = outstanding.computeIfAbsent(member, k -> new ArrayList<>());
        mine.add(a);
        long sameFragment = mine.stream().filter(x -> x.fragment() == fragment).count();
        if (sameFragment > SLOTS_PER_FRAGMENT) {
            for (Iterator<Assignment> it = mine.iterator(); it.hasNext(); ) {
                if (it.next().fragment() == fragment) {
                    it.remove();
                    break;
                }
            }
        }
        return a;
    }

    /** The outcome of {@link #answer}: the assignment answered, or why the push answers none. */
    record Answer(Assignment assignment, String replay) {
    }

    /**
     * The assignment {@code id} of {@code member} if a push for {@code fragment} from
     * {@code baseVersion} answers it, otherwise why it is a replay. Nothing is closed: the push closes
     * it ({@link #close}) once it is decided, refused or applied; a push the coordinator could not read
     * ({@link PayloadUnreadable}) decides nothing and leaves it for the retry.
     */
    Answer answer(int member, long id, int fragment, long baseVersion) {
        List<Assignment> mine = outstanding.getOrDefault(member, List.of());
        for (Assignment a : mine) {
            if (a.id() != id) continue;
            if (a.fragment() != fragment || a.baseVersion() != baseVersion) {
                return new Answer(null, "replay: assignment " + id + " is for fragment " + a.fragment() + " from v" + a.baseVersion()
                        + ", not fragment " + fragment + " from v" + baseVersion);
            }
            return new Answer(a, null);
        }
        return new Answer(null, "replay: assignment " + id + " is not outstanding for this member (unknown, or already answered)");
    }

    /** Closes an assignment {@link #answer} found, for the push that answered it. */
    void close(Assignment a) {
        List<Assignment> mine = outstanding.get(a.member());
        if (mine == null || !mine.remove(a)) throw new IllegalStateException("assignment " + a.id() + " is not outstanding");
    }

    /**
     * A notice that {@code member}'s assignment of {@code fragment} produced nothing: closes the
     * assignment {@code id} when it is outstanding for that fragment; null when it is not (a replayed
     * or stale notice, which must change nothing).
     */
    Assignment nothing(int member, long id, int fragment) {
        List<Assignment> mine = outstanding.getOrDefault(member, List.of());
        for (Assignment a : mine) {
            if (a.id() == id && a.fragment() == fragment) {
                mine.remove(a);
                return a;
            }
        }
        return null;
    }

    /**
     * Moves the base version of {@code member}'s outstanding assignment {@code id} forward to
     * {@code version} (the θ it was actually served): the push that answers it names that version.
     *
     * @return the rebased assignment, or null (nothing changed) if {@code id} is not outstanding for
     *         {@code member} or {@code version} is not newer than its base
     */
    Assignment rebase(int member, long id, long version) {
        List<Assignment> mine = outstanding.getOrDefault(member, List.of());
        for (int i = 0; i < mine.size(); i++) {
            Assignment a = mine.get(i);
            if (a.id() != id) continue;
            if (version <= a.baseVersion()) return null;
            Assignment moved = new Assignment(a.id(), a.member(), a.fragment(), version, a.steps(), a.issuedAt());
            mine.set(i, moved);
            return moved;
        }
        return null;
    }

    /** The member is gone: its assignments can no longer be answered. */
    void forget(int member) {
        outstanding.remove(member);
    }

    /** The outstanding assignments of {@code member}, oldest first. */
    List<Assignment> of(int member) {
        return List.copyOf(outstanding.getOrDefault(member, List.of()));
    }

    /** For a checkpoint: every outstanding assignment, by member, and the next id to issue. */
    record State(Map<Integer, List<Assignment>> outstanding, long nextId) {
    }

    State state() {
        TreeMap<Integer, List<Assignment>> copy = new TreeMap<>();
        outstanding.forEach((m, l) -> copy.put(m, List.copyOf(l)));
        return new State(copy, nextId);
    }

    void restore(State s) {
        outstanding.clear();
        s.outstanding().forEach((m, l) -> outstanding.put(m, new ArrayList<>(l)));
        nextId = s.nextId();
    }
}
