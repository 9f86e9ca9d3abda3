package org.diloco4j.core.coord;

import java.util.List;

/**
 * Tests written before pushes named their assignment: an event built with {@link #AUTO} is given,
 * when it is handled, the id of the member's outstanding assignment it answers (same fragment and,
 * for a push, same base version). There is no fallback to another assignment: a test whose event
 * answers none fails here, loudly, instead of passing on an assignment it did not mean. A test that
 * means a replay names the id itself.
 */
final class Answers {
    static final long AUTO = Long.MIN_VALUE;
    /**
     * For a test that means a replay of the member's real assignment (a wrong fragment or base
     * version under the right id): the id of its one outstanding assignment; fails if it has not exactly one.
     */
    static final long OUTSTANDING = Long.MIN_VALUE + 1;
    /** An id no assignment ever has (they are numbered from 1): a push under it answers nothing. */
    static final long NEVER_ISSUED = 0;

    private Answers() {
    }

    static List<Command> handle(Coordinator c, Event e) {
        return c.handle(switch (e) {
            case Event.Delta d when d.assignment() == AUTO -> withId(d, id(c, d.member(), d.fragment(), d.baseVersion()));
            case Event.Delta d when d.assignment() == OUTSTANDING -> withId(d, only(c, d.member()));
            case Event.Idle i when i.assignment() == AUTO -> new Event.Idle(i.member(), i.generation(), id(c, i.member(), i.fragment(), -1),
                    i.fragment(), i.reason(), i.time());
            default -> e;
        });
    }

    private static Event.Delta withId(Event.Delta d, long id) {
        return new Event.Delta(d.member(), d.generation(), id, d.baseVersion(), d.fragment(), d.steps(), d.tokens(), d.computeSeconds(),
                d.payload(), d.time());
    }

    static long only(Coordinator c, int member) {
        List<Assignment> mine = c.outstanding(member);
        if (mine.size() != 1) throw new AssertionError("member " + member + " has " + mine.size() + " outstanding assignments, not one: " + mine);
        return mine.get(0).id();
    }

    static long id(Coordinator c, int member, int fragment, long base) {
        List<Assignment> mine = c.outstanding(member);
        for (Assignment a : mine) if (a.fragment() == fragment && (base < 0 || a.baseVersion() == base)) return a.id();
        throw new AssertionError("member " + member + " has no outstanding assignment of fragment " + fragment
                + (base < 0 ? "" : " from base version " + base) + " for an AUTO event to answer; outstanding: " + mine);
    }
}
