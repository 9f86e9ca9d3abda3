package org.diloco4j.core.dylu;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Inner steps assigned to each worker for one round, with the reason for each number.
 *
 * @param steps   member id → inner steps, in member order
 * @param reasons member id → explanation, e.g. {@code 0.77 × fastest → 77 steps}
 */
public record StepPlan(SortedMap<Integer, Integer> steps, SortedMap<Integer, String> reasons) {
    public StepPlan {
        steps = Collections.unmodifiableSortedMap(new TreeMap<>(steps));
        reasons = Collections.unmodifiableSortedMap(new TreeMap<>(reasons));
        if (!steps.keySet().equals(reasons.keySet())) throw new IllegalArgumentException("every planned member needs a reason");
    }

    public int stepsFor(int member) {
        Integer s = steps.get(member);
        if (s == null) throw new IllegalArgumentException("member " + member + " is not in this plan; planned: " + steps.keySet());
        return s;
    }
}
