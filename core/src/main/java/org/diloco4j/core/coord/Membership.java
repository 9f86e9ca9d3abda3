package org.diloco4j.core.coord;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;

/**
 * Who is in the run. Member ids are never reused; every admission gets a new generation
 * (Kafka-style), so messages from a member's earlier incarnation can be fenced off.
 */
final class Membership {
    private final TreeMap<Integer, Member> alive = new TreeMap<>();
    private int nextId;
    private long generation;

    Member admit(String name, int ownShard, long shardTokens, double time) {
        generation++;
        Member m = new Member(nextId++, name, generation, ownShard, shardTokens, time);
        alive.put(m.id, m);
        return m;
    }

    Member get(int id) {
        return alive.get(id);
    }

    Member remove(int id) {
        return alive.remove(id);
    }

    /** Alive members in id order (deterministic iteration). */
    Collection<Member> all() {
        return Collections.unmodifiableCollection(alive.values());
    }

    List<Member> inState(Member.State s) {
        List<Member> out = new ArrayList<>();
        for (Member m : alive.values()) if (m.state == s) out.add(m);
        return out;
    }

    int size() {
        return alive.size();
    }

    long generation() {
        return generation;
    }

    int nextId() {
        return nextId;
    }

    record State(List<Member.Saved> alive, int nextId, long generation) {
    }

    State state() {
        List<Member.Saved> a = new ArrayList<>();
        for (Member m : alive.values()) a.add(m.saved());
        return new State(a, nextId, generation);
    }

    void restore(State s) {
        alive.clear();
        for (Member.Saved m : s.alive()) alive.put(m.id(), Member.restore(m));
        this.nextId = s.nextId();
        this.generation = s.generation();
    }
}
