package org.diloco4j.core.coord;

import java.util.ArrayList;
import java.util.List;

/**
 * Asynchronous DiLoCo: each pseudo-gradient is applied when it arrives (naive Nesterov, or Delayed
 * Nesterov when the outer optimizer is configured so), weighted or dropped by staleness, and the
 * worker is handed the current θ at once — fast workers never wait for slow ones. Options:
 * Dynamic Local Updates (steps proportional to measured speed) and a grace period (workers that
 * finish within {@code grace} seconds of the first are synced together and restart from one θ).
 */
final class AsyncPolicy extends Policy {
    private final SpeedTable speeds = new SpeedTable();
    private final List<Member> held = new ArrayList<>();
    private boolean graceOpen;
    private long graceWindows;

    AsyncPolicy(Coordinator c) {
        super(c);
    }

    @Override
    void onJoin(Member m) {
        int alive = c.members().size();
        if (alive < cfg.minWorkers()) {
            c.decide("wait", m.id, "waiting for " + cfg.minWorkers() + " workers before starting (" + alive + " so far)");
            return;
        }
        // The first time the minimum is reached, everyone waiting starts together.
        for (Member w : c.members().inState(Member.State.WAITING)) assign(w, null);
    }

    private void assign(Member m, Snapshot shared) {
        int steps = plannedSteps(m);
        Snapshot snap = shared != null ? shared : c.outer().snapshot(c.size());
        c.train(m, steps, shards.choose(m, m.ownShard, steps), snap);
    }

    /** DyLU: floor(v_m / v_max · H) steps, at least the floor; H until the member's speed is known. */
    int plannedSteps(Member m) {
        if (!cfg.dylu()) return cfg.innerSteps();
        double v = speeds.get(m.id);
        double vmax = 0;
        for (Member o : c.members().all()) vmax = Math.max(vmax, speeds.get(o.id));
        if (!(v > 0) || !(vmax > 0)) return cfg.innerSteps();
        // The tolerance keeps exact ratios (v/v_max = 1/2 of H = 20 → 10) from flooring to one less
        // because of rounding in measured times.
        int steps = (int) Math.floor(v / vmax * cfg.innerSteps() + 1e-9);
        return Math.max(cfg.minInnerSteps(), Math.min(cfg.innerSteps(), steps));
    }

    @Override
    void onDelta(Member m, Event.Delta d, float[] g) {
        shards.finished(m, d.tokens(), d.steps());
        if (d.steps() > 0 && d.computeSeconds() > 0) speeds.observe(m.id, d.steps() / d.computeSeconds());
        long staleness = c.outer().version - d.baseVersion();
        double w = 1.0;
        if (cfg.staleness() == CoordinatorConfig.Staleness.DROP && staleness > cfg.maxStaleness()) {
            c.decide("drop", m.id, m + " staleness " + staleness + " > max_staleness " + cfg.maxStaleness());
            release(m);
            return;
        }
        if (cfg.staleness() == CoordinatorConfig.Staleness.INV_SQRT) w = 1.0 / Math.sqrt(1.0 + staleness);
        double norm = Double.NaN;
        if (g != null) {
            double sq = 0;
            float wf = (float) w;
            for (int i = 0; i < g.length; i++) {
                if (w != 1.0) g[i] *= wf;
                sq += (double) g[i] * g[i];
            }
            norm = Math.sqrt(sq);
        }
        c.outer().apply(0, g);
        m.contributions++;
        c.outerStepDone(0, List.of(m.id), List.of(staleness), List.of(w), norm);
        if (c.maybeStop()) return;
        release(m);
    }

    /** The member is free: hand it new work now, or hold it until the grace window closes. */
    private void release(Member m) {
        if (cfg.graceSeconds() <= 0) {
            assign(m, null);
            return;
        }
        m.state = Member.State.HELD;
        held.add(m);
        if (!graceOpen) {
            graceOpen = true;
            graceWindows++;
            c.timer("grace:" + graceWindows, c.now() + cfg.graceSeconds());
        }
    }

    @Override
    void onIdle(Member m, int fragment) {
        shards.finished(m, 0, 0);
        release(m);
    }

    @Override
    void onRejected(Member m, int fragment) {
        onIdle(m, fragment);
    }

    @Override
    void onGone(Member m) {
        shards.finished(m, 0, 0);
        held.remove(m);
        speeds.forget(m.id);
    }

    @Override
    void onTimer(String key) {
        if (!key.equals("grace:" + graceWindows) || !graceOpen) return;
        graceOpen = false;
        Snapshot snap = c.outer().snapshot(c.size());
        List<Member> go = new ArrayList<>(held);
        held.clear();
        for (Member m : go) assign(m, snap);
    }
}
