package org.diloco4j.sim;

import org.diloco4j.core.coord.Command;
import org.diloco4j.core.coord.CoordinatorConfig;
import org.diloco4j.core.coord.Event;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.coord.DataShards;
import org.diloco4j.core.params.Fragment;
import org.diloco4j.core.params.FragmentPlan;
import org.diloco4j.sim.toy.ToyEvaluator;
import org.diloco4j.sim.toy.ToyProblem;
import org.diloco4j.sim.toy.ToyTrainer;

import java.util.ArrayList;
import java.util.List;

/** Test fixture: a simulated run on the toy problem, with everything it emitted recorded. */
final class ToyRun {
    final ToyProblem problem;
    final List<Metric> metrics = new ArrayList<>();
    final List<Event> events = new ArrayList<>();
    final List<Command> commands = new ArrayList<>();
    final List<Double> commandTimes = new ArrayList<>();
    /** For each command, the event whose handling issued it. */
    final List<Event> causes = new ArrayList<>();
    Simulation simulation;
    SimResult result;
    float[] theta;

    private long trainerSalt = 1000;
    private long evalSeed = 7;

    static final int IN = 32;
    static final int OUT = 8;

    ToyRun(int shards, double heterogeneity, long seed) {
        double[] sizes = new double[shards];
        java.util.Arrays.fill(sizes, 1);
        this.problem = new ToyProblem(IN, OUT, sizes, heterogeneity, 0.1, seed);
    }

    static DataShards equalShards(int k) {
        long[] s = new long[k];
        java.util.Arrays.fill(s, 1000);
        return DataShards.own(s);
    }

    static List<WorkerSpec> workers(LinkProfile link, double... secondsPerStep) {
        List<WorkerSpec> w = new ArrayList<>();
        for (int i = 0; i < secondsPerStep.length; i++) {
            w.add(new WorkerSpec("w" + i, DeviceProfile.of(secondsPerStep[i]), link, i));
        }
        return w;
    }

    ToyRun run(SimConfig sim, CoordinatorConfig cc, List<Fragment> fragments, int batch, double innerLr) {
        List<String> labels = fragments.stream().map(x -> "f" + x.id()).toList();
        return run(sim, cc, new FragmentPlan(fragments, labels, problem.size()), new float[problem.size()], trainers(batch, innerLr));
    }

    /** Each worker's toy trainer on its shard. */
    TrainerFactory trainers(int batch, double innerLr) {
        return (spec, shard, mult) -> new ToyTrainer(problem, shard, batch * mult, innerLr, trainerSalt + spec.name().hashCode());
    }

    /**
     * Seeds for experiments over many seeds (ToySweep): {@code trainerSalt} seeds the workers' data
     * draws (with their names), {@code evalSeed} picks the held-out sample that scores the run (7,
     * the default, is the reported one; sweeps tune on another).
     */
    ToyRun seeded(long trainerSalt, long evalSeed) {
        this.trainerSalt = trainerSalt;
        this.evalSeed = evalSeed;
        return this;
    }

    ToyRun run(SimConfig sim, CoordinatorConfig cc, FragmentPlan plan, float[] theta0, TrainerFactory f) {
        simulation = new Simulation(sim, cc, plan, theta0, f, new ToyEvaluator(problem, 1024, evalSeed), metrics::add);
        simulation.tap(new Tap() {
            @Override
            public void event(Event e) {
                events.add(e);
            }

            @Override
            public void command(Command c, double time) {
                commands.add(c);
                commandTimes.add(time);
                causes.add(events.getLast());
            }
        });
        result = simulation.run();
        theta = simulation.coordinator().theta().clone();
        return this;
    }

    ToyRun run(SimConfig sim, CoordinatorConfig cc, int batch, double innerLr) {
        return run(sim, cc, List.of(problem.layout().whole()), batch, innerLr);
    }

    /**
     * The metrics a run must repeat exactly: all of them, but with the train-loss samples'
     * throughput left out (it is the host's measured wall-clock speed, not the run's).
     */
    static List<Metric> reproducible(List<Metric> metrics) {
        return metrics.stream().map(m -> m instanceof Metric.TrainLoss t
                ? new Metric.TrainLoss(t.worker(), t.step(), t.loss(), t.lr(), t.gradNorm(), Double.NaN, t.time()) : m).toList();
    }

    <T extends Metric> List<T> metrics(Class<T> type) {
        return metrics.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends Event> List<T> events(Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends Command> List<T> commands(Class<T> type) {
        return commands.stream().filter(type::isInstance).map(type::cast).toList();
    }

    double finalLoss() {
        return result.finalEval().loss();
    }

    double optimumLoss() {
        return new ToyEvaluator(problem, 1024, 7).evaluate(problem.optimum()).loss();
    }
}
