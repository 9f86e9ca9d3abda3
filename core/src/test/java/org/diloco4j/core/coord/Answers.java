package org.diloco4j.core.coord;

import java.util.List;

/**
 * Tests written before pushes named their assignment: an event built with {@link #AUTO} is given,
 * when it is handled, the id of the member's outstanding assignment it answers (same fragment and
 * base version; else any of that fragment; else any; else none, which is a replay).
 */
final class Answers {
    static final long AUTO = Long.MIN_VALUE;

    private Answers() {
    }

    static List<Command> handle(Coordinator c, Event e) {
        return c.handle(switch (e) {
            case Event.Delta d when d.assignment() == AUTO -> new Event.Delta(d.member(), d.generation(), id(c, d.member(), d.fragment(),
                    d.baseVersion()), d.baseVersion(), d.fragment(), d.steps(), d.tokens(), d.computeSeconds(), d.payload(), d.time());
            case Event.Idle i when i.assignment() == AUTO -> new Event.Idle(i.member(), i.generation(), id(c, i.member(), i.fragment(), -1),
                    i.fragment(), i.reason(), i.time());
            default -> e;
        });
    }

    static long id(Coordinator c, int member, int fragment, long base) {
        List<Assignment> mine = c.outstanding(member);
        for (Assignment a : mine) if (a.fragment() == fragment && (base < 0 || a.baseVersion() == base)) return a.id();
        for (Assignment a : mine) if (a.fragment() == fragment) return a.id();
        return mine.isEmpty() ? 0 : mine.get(0).id();
    }
}
