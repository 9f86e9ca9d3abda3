package org.diloco4j.model.data.shard;

import org.diloco4j.model.data.DataException;
import org.diloco4j.model.data.Mix;
import org.diloco4j.model.data.text.DocumentTable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deals training documents to k shards (see {@link ShardMode}). Deterministic: the same table,
 * documents, k, mode and seed always give the same plan.
 *
 * <p>Non-iid: shards are apportioned to groups by size (see {@link #seats}): with k at least the
 * number of groups, each group has its own shard(s) and big groups are split; with fewer, the k
 * largest groups found shards. A group with several shards is cut, in document order, into
 * contiguous runs of nearly equal tokens. Groups left without a shard (tiny ones, or the smaller ones
 * when k is small) join the currently smallest shard whole, largest first, so no shard is a sliver.
 */
public final class Sharder {
    private Sharder() {
    }

    public static ShardPlan plan(DocumentTable table, int[] train, int k, ShardMode mode, long seed) {
        if (k < 1) throw new DataException("shard count " + k + " must be at least 1");
        if (k > train.length) {
            throw new DataException("shard count " + k + " exceeds the " + train.length
                    + " training documents; every shard needs at least one whole document");
        }
        return mode == ShardMode.IID ? iid(table, train, k, seed) : nonIid(table, train, k, seed);
    }

    private static ShardPlan iid(DocumentTable table, int[] train, int k, long seed) {
        Integer[] order = Arrays.stream(train).boxed().toArray(Integer[]::new);
        long[] key = new long[table.size()];
        for (int d : train) key[d] = Mix.hash(seed, table.id(d));
        Arrays.sort(order, Comparator.<Integer>comparingLong(d -> key[d]).thenComparing(d -> d));
        List<List<Integer>> bins = new ArrayList<>();
        long[] load = new long[k];
        for (int i = 0; i < k; i++) bins.add(new ArrayList<>());
        for (int d : order) {
            int s = smallest(load);
            bins.get(s).add(d);
            load[s] += table.tokens(d);
        }
        List<Shard> shards = new ArrayList<>();
        for (int s = 0; s < k; s++) shards.add(shard(table, s, "iid", List.of(), bins.get(s)));
        return new ShardPlan(ShardMode.IID, seed, shards);
    }

    private static ShardPlan nonIid(DocumentTable table, int[] train, int k, long seed) {
        Map<String, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int d : train) byGroup.computeIfAbsent(table.groupName(d), g -> new ArrayList<>()).add(d);
        List<String> groups = new ArrayList<>(byGroup.keySet());
        Map<String, Long> tokens = new LinkedHashMap<>();
        groups.forEach(g -> tokens.put(g, byGroup.get(g).stream().mapToLong(table::tokens).sum()));
        groups.sort(Comparator.<String>comparingLong(tokens::get).reversed().thenComparing(g -> g));
        int[] seats = seats(groups, tokens, byGroup, k);
        List<List<Integer>> bins = new ArrayList<>();
        List<List<String>> names = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        long[] load = new long[k];
        for (int g = 0; g < groups.size(); g++) {
            if (seats[g] == 0) continue;
            String name = groups.get(g);
            List<List<Integer>> parts = cut(table, byGroup.get(name), seats[g]);
            for (int p = 0; p < parts.size(); p++) {
                load[bins.size()] = parts.get(p).stream().mapToLong(table::tokens).sum();
                bins.add(new ArrayList<>(parts.get(p)));
                names.add(new ArrayList<>(List.of(name)));
                labels.add(parts.size() == 1 ? name : name + " " + (p + 1) + "/" + parts.size());
            }
        }
        // Groups without a seat of their own (too small for one) join the smallest shard, largest first.
        for (int g = 0; g < groups.size(); g++) {
            if (seats[g] > 0) continue;
            int s = smallest(load);
            bins.get(s).addAll(byGroup.get(groups.get(g)));
            names.get(s).add(groups.get(g));
            load[s] += tokens.get(groups.get(g));
        }
        List<Shard> shards = new ArrayList<>();
        for (int s = 0; s < k; s++) {
            List<String> joined = names.get(s).subList(1, names.get(s).size());
            String label = labels.get(s) + (joined.isEmpty() ? "" : "+" + (joined.size() <= 4 ? String.join("+", joined)
                    : String.join("+", joined.subList(0, 3)) + "+" + (joined.size() - 3) + " more"));
            shards.add(shard(table, s, label, names.get(s), bins.get(s)));
        }
        return new ShardPlan(ShardMode.NON_IID, seed, shards);
    }

    /**
     * Shards per group. Groups below 1% of the training tokens are minor. With fewer shards than major
     * groups, the k largest groups get one shard each (the rest join them later, as whole groups).
     * Otherwise every major group gets one shard and the remaining ones go by D'Hondt: one at a time to
     * the group with the most tokens per shard it would have (minor groups only if no major group can
     * take one). A group never gets more shards than documents. Groups come sorted largest first, so
     * ties favour larger groups.
     */
    private static int[] seats(List<String> groups, Map<String, Long> tokens, Map<String, List<Integer>> docs, int k) {
        long total = tokens.values().stream().mapToLong(Long::longValue).sum();
        boolean[] major = new boolean[groups.size()];
        int majors = 0;
        for (int g = 0; g < groups.size(); g++) {
            major[g] = g == 0 || tokens.get(groups.get(g)) * 100 >= total;
            if (major[g]) majors++;
        }
        int[] seats = new int[groups.size()];
        if (k < majors) {
            for (int g = 0; g < k; g++) seats[g] = 1;
            return seats;
        }
        for (int g = 0; g < groups.size(); g++) if (major[g]) seats[g] = 1;
        for (int left = k - majors; left > 0; left--) {
            int best = dHondt(groups, tokens, docs, seats, major);
            if (best < 0) best = dHondt(groups, tokens, docs, seats, null);
            seats[best]++;
        }
        return seats;
    }

    private static int dHondt(List<String> groups, Map<String, Long> tokens, Map<String, List<Integer>> docs, int[] seats,
                              boolean[] only) {
        int best = -1;
        for (int g = 0; g < groups.size(); g++) {
            if ((only != null && !only[g]) || seats[g] >= docs.get(groups.get(g)).size()) continue;
            if (best < 0 || tokens.get(groups.get(g)) * (seats[best] + 1L) > tokens.get(groups.get(best)) * (seats[g] + 1L)) {
                best = g;
            }
        }
        return best;
    }

    /** Cuts docs, in order, into n non-empty contiguous runs of nearly equal tokens. */
    private static List<List<Integer>> cut(DocumentTable table, List<Integer> docs, int n) {
        long total = docs.stream().mapToLong(table::tokens).sum();
        List<List<Integer>> parts = new ArrayList<>();
        List<Integer> cur = new ArrayList<>();
        long acc = 0;
        for (int i = 0; i < docs.size(); i++) {
            int d = docs.get(i);
            cur.add(d);
            acc += table.tokens(d);
            int partsLeft = n - parts.size() - 1;
            int docsLeft = docs.size() - i - 1;
            boolean reachedShare = acc * n >= total * (parts.size() + 1L);
            if (partsLeft > 0 && (reachedShare || docsLeft == partsLeft)) {
                parts.add(cur);
                cur = new ArrayList<>();
            }
        }
        parts.add(cur);
        return parts;
    }

    private static int smallest(long[] load) {
        int s = 0;
        for (int i = 1; i < load.length; i++) if (load[i] < load[s]) s = i;
        return s;
    }

    private static Shard shard(DocumentTable table, int index, String label, List<String> groups, List<Integer> docs) {
        int[] d = docs.stream().mapToInt(Integer::intValue).sorted().toArray();
        return new Shard(index, label, groups, d, table.tokens(d));
    }
}
