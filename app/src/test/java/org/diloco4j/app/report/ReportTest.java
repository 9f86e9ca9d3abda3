package org.diloco4j.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.diloco4j.app.run.Sample;
import org.diloco4j.app.run.Summary;
import org.diloco4j.core.coord.Metric;
import org.diloco4j.core.run.Segment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;

class ReportTest {
    private static final List<String> EVAL_CHARTS = List.of("eval-tokens", "eval-time", "eval-bytes", "eval-zoom");

    @Test
    void singleRunReport() throws Exception {
        RunData run = Fixtures.run("diloco");
        String html = Report.render(List.of(run));
        HtmlDoc doc = new HtmlDoc(html);

        assertThat(doc.one("/html/head/title").getTextContent()).isEqualTo("diloco4j · diloco");
        for (String id : EVAL_CHARTS) {
            assertThat(doc.all("//figure[@id='" + id + "']//svg//polyline")).as(id).hasSize(1);
            assertThat(doc.texts("//figure[@id='" + id + "']//div[@class='legend']/span")).as(id).containsExactly("diloco");
            // One marker per evaluation (22 of them, under the 60-marker cap), each with its value on hover.
            assertThat(doc.all("//figure[@id='" + id + "']//path[@class='mk']")).as(id).isNotEmpty();
        }
        assertThat(doc.all("//figure[@id='eval-tokens']//path[@class='mk']")).hasSize(run.metrics().evals().size());
        assertThat(doc.texts("//figure[@id='eval-tokens']//path[@class='mk']/title"))
                .contains(String.format(Locale.ROOT, "diloco: eval loss %.3f at 0 tokens", run.metrics().evals().get(0).loss()));

        // Train loss: one line per worker plus the dashed global eval line.
        assertThat(doc.all("//figure[@id='train-loss']//polyline")).hasSize(5);
        assertThat(doc.texts("//figure[@id='train-loss']//div[@class='legend']/span"))
                .containsExactly("tokyo", "frankfurt", "saopaulo", "nairobi", "global model (eval)");

        // Timeline: a row per worker with all three kinds, in far fewer rectangles than segments.
        Element timeline = doc.one("//svg[@class='timeline']");
        assertThat(HtmlDoc.all(timeline, ".//text[@class='row-label']")).hasSize(4);
        for (String kind : List.of("k-c", "k-m", "k-i")) {
            assertThat(HtmlDoc.all(timeline, ".//rect[@class='" + kind + "']")).as(kind).isNotEmpty();
        }
        // Never more than a stack of three per pixel column and row.
        assertThat(HtmlDoc.all(timeline, ".//rect[@class!='lane']").size()).isLessThanOrEqualTo(4 * 944 * 3);

        // Summary table values, checked against the fixture's numbers, not against Fmt's own output.
        Summary s = run.summary();
        List<String> header = doc.texts("//table[@class='summary']/thead/tr/th");
        List<String> row = doc.texts("//table[@class='summary']/tbody/tr[1]/td");
        assertThat(header).doesNotContain("vs best");
        assertThat(row.get(header.indexOf("eval loss"))).isEqualTo(String.format(Locale.ROOT, "%.3f", s.finalEvalLoss()));
        assertThat(number(row.get(header.indexOf("perplexity")))).isCloseTo(s.finalEvalPpl(), Offset.offset(0.05));
        assertThat(row.get(header.indexOf("tokens"))).endsWith("M");
        assertThat(number(row.get(header.indexOf("tokens"))) * 1e6).isCloseTo(s.tokens(), Offset.offset(0.05e6));
        String ratio = row.get(header.indexOf("vs DDP bytes"));
        assertThat(ratio).matches("[0-9.,]+× fewer");
        assertThat(number(ratio)).isCloseTo(s.ddpBytesEquivalent() / (double) s.bytesTotal(), Offset.offset(0.05));
        String bytes = row.get(header.indexOf("bytes up / down"));
        assertThat(bytes).matches("[0-9.]+ GB / [0-9.]+ GB");
        assertThat(number(bytes) * 1e9).isCloseTo(s.bytesUp(), Offset.offset(0.01e9));
        assertThat(number(bytes.substring(bytes.indexOf('/'))) * 1e9).isCloseTo(s.bytesDown(), Offset.offset(0.01e9));
        assertThat(number(row.get(header.indexOf("compute util."))) / 100).isCloseTo(s.computeUtilization(), Offset.offset(0.0006));
        assertThat(row.get(header.indexOf("simulated time"))).matches("\\d+ h \\d\\d min");
        assertThat(row.get(header.indexOf("stop reason"))).isEqualTo(s.stopReason());

        // Workers table: one row per worker, utilization as a stacked bar.
        assertThat(doc.all("//table[@class='workers']/tbody/tr")).hasSize(4);
        assertThat(doc.all("//table[@class='workers']//div[@class='bar']")).hasSize(4);
        // Sync DiLoCo has no staleness histogram; its decisions include the lost worker and its reason.
        assertThat(doc.all("//svg[contains(@class,'bars')]")).isEmpty();
        assertThat(doc.texts("//div[@class='chips']/span")).contains("join 5", "lost 1", "stop 1");
        assertThat(doc.texts("//table[@class='log']//td[@class='reason']"))
                .anyMatch(r -> r.contains("no heartbeat for 30 s"));
        assertThat(doc.one("//details[@class='config']/pre").getTextContent()).isEqualTo(run.config());
        assertSelfContained(html);
    }

    @Test
    void singleRunShowsOptimizerChartsBitsPerByteAndSamples() throws Exception {
        RunData run = Fixtures.run("diloco");
        HtmlDoc doc = new HtmlDoc(Report.render(List.of(run)));
        for (String id : List.of("train-lr", "train-throughput", "train-grad-norm")) {
            assertThat(doc.all("//figure[@id='" + id + "']//polyline")).as(id).hasSize(4);
            assertThat(doc.texts("//figure[@id='" + id + "']//div[@class='legend']/span"))
                    .containsExactly("tokyo", "frankfurt", "saopaulo", "nairobi");
        }
        // The learning-rate axis spans the schedule: warmup from 4e-5 (step 10 of 50 ... ) up to the 2e-3 peak.
        double maxLr = run.metrics().trainLosses().stream().mapToDouble(Metric.TrainLoss::lr).max().orElseThrow();
        assertThat(maxLr).isEqualTo(2e-3);
        assertThat(doc.texts("//figure[@id='train-lr']//g[@class='ticks']/text")).contains("0.002");
        assertThat(doc.texts("//figure[@id='train-throughput']//g[@class='ticks']/text")).anyMatch(t -> t.endsWith("k"));

        List<String> header = doc.texts("//table[@class='summary']/thead/tr/th");
        List<String> row = doc.texts("//table[@class='summary']/tbody/tr[1]/td");
        assertThat(row.get(header.indexOf("bits/byte")))
                .isEqualTo(String.format(Locale.ROOT, "%.4f", run.summary().finalEvalBpb()));
        assertThat(doc.texts("//div[@class='kpi']/div[@class='d']"))
                .anyMatch(d -> d.contains(String.format(Locale.ROOT, "%.4f bits/byte", run.summary().finalEvalBpb())));

        List<Sample> samples = run.metrics().samples();
        assertThat(samples).hasSize(3);
        List<Element> shown = doc.all("//figure[@class='sample']/pre");
        assertThat(shown).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(shown.get(i).getTextContent()).isEqualTo(samples.get(i).prompt() + samples.get(i).text());
        }
        assertThat(doc.texts("//div[@class='samples']/p/code"))
                .containsExactly("diloco sample --run diloco --prompt 'Mr President, ' --tokens 200 --temperature 0.8 --top-k 40 --seed 1");
        assertThat(doc.all("//div[contains(@class,'banner')]")).isEmpty();
        assertThat(doc.all("//meta[@http-equiv='refresh']")).isEmpty();
    }

    @Test
    void interruptedRunRendersWhatItHasUnderABanner() throws Exception {
        RunData run = Fixtures.run("interrupted");
        String html = Report.render(List.of(run));
        HtmlDoc doc = new HtmlDoc(html);
        String banner = doc.one("//div[contains(@class,'banner')]").getTextContent();
        assertThat(banner).startsWith("Run in progress or interrupted.")
                .contains("Outer step " + run.summary().outerSteps() + ",").contains("no summary.json yet");
        assertThat(doc.all("//meta[@http-equiv='refresh']")).as("a page read from disk does not reload itself").isEmpty();
        for (String id : EVAL_CHARTS) {
            assertThat(doc.all("//figure[@id='" + id + "']//polyline")).as(id).hasSize(1);
        }
        assertThat(doc.all("//figure[@id='train-loss']//polyline")).hasSize(5);
        assertThat(doc.all("//figure[@id='train-lr']//polyline")).hasSize(4);
        List<String> header = doc.texts("//table[@class='summary']/thead/tr/th");
        List<String> row = doc.texts("//table[@class='summary']/tbody/tr[1]/td");
        assertThat(row.get(header.indexOf("eval loss"))).isEqualTo(String.format(Locale.ROOT, "%.3f", run.summary().finalEvalLoss()));
        assertThat(row.get(header.indexOf("outer steps"))).isEqualTo(String.format(Locale.ROOT, "%,d", run.summary().outerSteps()));
        assertThat(row.get(header.indexOf("stop reason"))).isEqualTo("not finished: in progress or interrupted");
        assertThat(row.get(header.indexOf("vs DDP bytes"))).isEqualTo("—");
        assertThat(doc.texts("//div[@class='kpi']/div[@class='l']")).contains("latest eval loss", "simulated time");
        assertThat(doc.texts("//table[@class='workers']/tbody/tr/td[@colspan]"))
                .hasSize(4).allMatch(t -> t.equals("totals come with summary.json at the end of the run"));
        // A simulated run writes its timeline at the end: none yet.
        assertThat(doc.texts("//svg/text[@class='empty']")).contains("no segments recorded");
        assertThat(doc.all("//figure[@class='sample']")).isEmpty();
        assertSelfContained(html);
    }

    @Test
    void runningAndStoppedRunsSaySoAndARunningPageReloads() throws Exception {
        RunData run = Fixtures.run("interrupted");
        HtmlDoc running = new HtmlDoc(Report.render(List.of(run.withStatus(RunStatus.RUNNING))));
        assertThat(running.one("//div[contains(@class,'banner')]").getTextContent()).startsWith("Run in progress.")
                .contains("reloads itself every 30 s");
        assertThat(running.one("//meta[@http-equiv='refresh']").getAttribute("content")).isEqualTo("30");
        HtmlDoc stopped = new HtmlDoc(Report.render(List.of(run.withStatus(RunStatus.STOPPED))));
        assertThat(stopped.one("//div[contains(@class,'banner')]").getTextContent())
                .startsWith("Run stopped with a checkpoint.").contains("diloco train --resume interrupted");
        assertThat(stopped.all("//meta[@http-equiv='refresh']")).isEmpty();
        // A networked run (no simulated time) continues where its coordinator is pointed: its --out, not a new default folder.
        RunData net = Fixtures.memoryRun("diloco", List.of("w0"), List.of(), 100);
        Summary wall = net.summary();
        wall = new Summary(wall.method(), wall.workers(), wall.contributingWorkers(), wall.modelParams(), wall.outerSteps(), wall.innerSteps(), wall.tokens(),
                wall.initialEvalLoss(), wall.finalEvalLoss(), wall.finalEvalPpl(), wall.initialEvalBpb(), wall.finalEvalBpb(),
                wall.bytesUp(), wall.bytesDown(), wall.ddpBytesEquivalent(), 0.0, 30.0, wall.computeUtilization(), wall.stopReason(),
                wall.stalenessHistogram(), wall.workerStats());
        HtmlDoc netStopped = new HtmlDoc(Report.render(List.of(new RunData(net.dir(), wall, net.metrics()).withStatus(RunStatus.STOPPED))));
        assertThat(netStopped.one("//div[contains(@class,'banner')]").getTextContent())
                .contains("starting the coordinator again with --out diloco").doesNotContain("diloco train --resume");
        // In a comparison, finished runs get no banner; the running one is named in its own.
        HtmlDoc compare = new HtmlDoc(Report.render(List.of(Fixtures.run("diloco"), run.withStatus(RunStatus.RUNNING))));
        assertThat(compare.texts("//div[contains(@class,'banner')]")).singleElement()
                .satisfies(t -> assertThat(t).startsWith("async-dn-dylu: Run in progress."));
    }

    @Test
    void controlCharactersInSampledTextAreReplaced() throws Exception {
        RunData base = Fixtures.memoryRun("m", List.of("w"), List.of(), 100);
        Metrics m = base.metrics();
        Metrics withSample = new Metrics(m.runStart(), m.outerSteps(), m.decisions(), m.evals(), m.trainLosses(), m.segments(),
                List.of(new Sample(1, 1, 0, "", "a\u0001b\u0000c\td\uFFFEe", 10, 1, 0.8, 40)));
        HtmlDoc doc = new HtmlDoc(Report.render(List.of(new RunData(base.dir(), base.summary(), withSample))));
        assertThat(doc.one("//figure[@class='sample']/pre").getTextContent()).isEqualTo("a\uFFFDb\uFFFDc\td\uFFFDe");
    }

    @Test
    void comparisonOverlaysAllRuns() throws Exception {
        List<RunData> runs = Fixtures.all();
        String html = Report.render(runs);
        HtmlDoc doc = new HtmlDoc(html);

        for (String id : EVAL_CHARTS) {
            List<Element> lines = doc.all("//figure[@id='" + id + "']//polyline");
            assertThat(lines).as(id).hasSize(3);
            assertThat(doc.all("//figure[@id='" + id + "']//g[@data-series]"))
                    .extracting(e -> e.getAttribute("data-series")).containsExactly("run0", "run1", "run2");
            assertThat(doc.texts("//figure[@id='" + id + "']//div[@class='legend']/span"))
                    .containsExactlyElementsOf(Fixtures.METHODS);
            assertThat(lines).extracting(e -> e.getAttribute("stroke")).doesNotHaveDuplicates();
        }
        assertThat(doc.all("//figure[@id='train-loss']")).isEmpty();
        assertThat(doc.all("//svg[@class='timeline']")).hasSize(3);
        assertThat(doc.all("//section[contains(@class,'run-details')]")).hasSize(3);
        // Staleness histograms for the two async runs only, one bar per staleness value up to the largest.
        List<Element> bars = doc.all("//svg[contains(@class,'bars')]");
        assertThat(bars).hasSize(2);
        int maxStaleness = runs.get(2).summary().stalenessHistogram().lastKey().intValue();
        assertThat(HtmlDoc.all(bars.get(1), ".//rect[@class='bar']")).hasSize(maxStaleness + 1);

        // The best final perplexity is marked, and the others show how far behind they are.
        RunData best = runs.stream().min(Comparator.comparingDouble(r -> r.summary().finalEvalPpl())).orElseThrow();
        Element bestRow = doc.one("//table[@class='summary']/tbody/tr[@class='best']");
        assertThat(bestRow.getTextContent()).contains(best.method());
        List<String> header = doc.texts("//table[@class='summary']/thead/tr/th");
        int vsBest = header.indexOf("vs best");
        for (int i = 0; i < runs.size(); i++) {
            String cell = doc.texts("//table[@class='summary']/tbody/tr[" + (i + 1) + "]/td").get(vsBest);
            RunData r = runs.get(i);
            if (r == best) {
                assertThat(cell).isEqualTo("best");
            } else {
                assertThat(number(cell) / 100).isCloseTo(r.summary().finalEvalPpl() / best.summary().finalEvalPpl() - 1,
                        Offset.offset(0.0006));
            }
        }
        // The timelines share one time axis: the slowest run's axis labels appear in every timeline.
        List<Element> timelines = doc.all("//svg[@class='timeline']");
        List<String> first = HtmlDoc.all(timelines.get(0), ".//g[@class='ticks']/text").stream().map(Element::getTextContent).toList();
        for (Element t : timelines) {
            assertThat(HtmlDoc.all(t, ".//g[@class='ticks']/text")).extracting(Element::getTextContent)
                    .containsExactlyElementsOf(first);
        }
        assertSelfContained(html);
    }

    @Test
    void runWithoutCommunicationIsNamedInTheBytesLegend() throws Exception {
        RunData local = Fixtures.memoryRun("single-worker", List.of("solo"), List.of(), 0);
        RunData ddp = Fixtures.memoryRun("ddp", List.of("a", "b"), List.of(), 4_000_000);
        HtmlDoc doc = new HtmlDoc(Report.render(List.of(local, ddp)));
        assertThat(doc.texts("//figure[@id='eval-bytes']//div[@class='legend']/span"))
                .containsExactly("single-worker (no communication)", "ddp");
        assertThat(doc.all("//figure[@id='eval-bytes']//polyline")).hasSize(1);
        assertThat(doc.all("//figure[@id='eval-tokens']//polyline")).hasSize(2);
        List<String> header = doc.texts("//table[@class='summary']/thead/tr/th");
        assertThat(doc.texts("//table[@class='summary']/tbody/tr[1]/td").get(header.indexOf("vs DDP bytes")))
                .isEqualTo("no communication");
    }

    @Test
    void runWithNothingButASummaryStillRenders() throws Exception {
        Summary s = new Summary("diloco", 2, null, 1000, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, 0, 0,
                Double.NaN, "interrupted", new java.util.TreeMap<>(), List.of());
        Metrics empty = new Metrics(java.util.Optional.empty(), List.of(), List.of(), List.of(), List.of(), List.of());
        HtmlDoc doc = new HtmlDoc(Report.render(List.of(new RunData(Path.of("r"), s, empty))));
        assertThat(doc.texts("//svg/text[@class='empty']")).contains("no data to plot", "no segments recorded");
        assertThat(doc.all("//figure[@id='eval-zoom']")).isEmpty();
        assertThat(doc.one("//figure[@id='eval-time']//h3").getTextContent()).isEqualTo("Held-out loss vs time");
        List<String> header = doc.texts("//table[@class='summary']/thead/tr/th");
        List<String> row = doc.texts("//table[@class='summary']/tbody/tr[1]/td");
        assertThat(row.get(header.indexOf("eval loss"))).isEqualTo("—");
        assertThat(row.get(header.indexOf("vs DDP bytes"))).isEqualTo("—");
        assertThat(doc.texts("//div[@class='kpi']/div[@class='l']")).contains("wall time");
        assertThat(doc.texts("//div[@class='chips']/span")).containsExactly("no decisions recorded");
    }

    @Test
    void overlappedCommunicationIsDrawnAsABand() throws Exception {
        // Streaming DiLoCo: fragments travel while the worker keeps computing.
        List<Segment> segs = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            segs.add(Fixtures.seg("w", Segment.Kind.COMPUTE, i * 60, i * 60 + 60));
            segs.add(Fixtures.seg("w", Segment.Kind.COMMUNICATE, i * 60 + 10, i * 60 + 40));
        }
        HtmlDoc doc = new HtmlDoc(Report.render(List.of(Fixtures.memoryRun("streaming", List.of("w"), segs, 1000))));
        assertThat(doc.texts("//div[contains(@class,'tl-legend')]/span")).contains("communicate while computing");
        Element timeline = doc.one("//svg[@class='timeline']");
        List<Element> compute = HtmlDoc.all(timeline, ".//rect[@class='k-c']");
        List<Element> band = HtmlDoc.all(timeline, ".//rect[@class='k-m']");
        assertThat(compute).hasSize(1);
        assertThat(Double.parseDouble(compute.get(0).getAttribute("height"))).isEqualTo(22);
        assertThat(band).hasSize(10).allSatisfy(r -> assertThat(Double.parseDouble(r.getAttribute("height"))).isLessThan(10));
        assertThat(HtmlDoc.all(timeline, ".//rect[@class='k-m']/title")).first()
                // Edges are exact to within one pixel column (0.64 s here).
                .satisfies(t -> assertThat(t.getTextContent()).matches("w: communicate while computing, 10\\.\\d s – 40\\.0 s .*"));
    }

    @Test
    void sameMethodTwiceIsTellApartByDirectory() throws Exception {
        RunData a = Fixtures.memoryRun("diloco", List.of("w"), List.of(), 1000);
        RunData b = new RunData(Path.of("runs", "diloco-h100"), a.summary(), a.metrics());
        HtmlDoc doc = new HtmlDoc(Report.render(List.of(a, b)));
        assertThat(doc.texts("//figure[@id='eval-tokens']//div[@class='legend']/span"))
                .containsExactly("diloco (diloco)", "diloco (diloco-h100)");
    }

    /** A sweep's arms are folders of seed1, seed2, …: the arm tells them apart. */
    @Test
    void sameMethodInFoldersOfTheSameNameIsToldApartByTheirParents() throws Exception {
        RunData a = Fixtures.memoryRun("diloco", List.of("w"), List.of(), 1000);
        RunData x = new RunData(Path.of("sweep", "dn-dylu", "seed1"), a.summary(), a.metrics());
        RunData y = new RunData(Path.of("sweep", "dn-dylu-paper", "seed1"), a.summary(), a.metrics());
        HtmlDoc doc = new HtmlDoc(Report.render(List.of(x, y)));
        assertThat(doc.texts("//figure[@id='eval-tokens']//div[@class='legend']/span"))
                .containsExactly("diloco (dn-dylu/seed1)", "diloco (dn-dylu-paper/seed1)");
        assertThat(doc.one("//header").getTextContent()).contains("dn-dylu/seed1, dn-dylu-paper/seed1");
    }

    @Test
    void textFromTheRunIsEscaped() throws Exception {
        RunData r = Fixtures.memoryRun("m<script>&\"x\"", List.of("<w>"), List.of(
                Fixtures.seg("<w>", Segment.Kind.COMPUTE, 0, 10)), 100);
        String html = Report.render(List.of(r));
        assertThat(html).doesNotContain("<script>&").doesNotContain("<w>");
        assertThat(new HtmlDoc(html).one("//h1").getTextContent()).isEqualTo("m<script>&\"x\"");
    }

    @Test
    void writesAtomicallyAndReplaces(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run").resolve("report.html");
        Report.write(List.of(Fixtures.run("async-naive")), out);
        String first = Files.readString(out);
        assertThat(first).startsWith("<!DOCTYPE html>").contains("async-naive");
        Report.write(Fixtures.all(), out);
        assertThat(Files.readString(out)).contains("Comparison of 3 runs");
        try (var files = Files.list(out.getParent())) {
            assertThat(files).containsExactly(out);
        }
        assertThatThrownBy(() -> Report.write(List.of(), out)).hasMessageContaining("at least one run");
    }

    @Test
    void hugeTimelineStaysSmall() throws Exception {
        // 50,000 segments over 8 workers, many of them sub-pixel at the timeline's width.
        List<Segment> segments = SegmentsTest.randomSegments(8, 6250, 11);
        List<String> workers = java.util.stream.IntStream.range(0, 8).mapToObj(i -> "w" + i).toList();
        RunData run = Fixtures.memoryRun("huge", workers, segments, 1000);
        String html = Report.render(List.of(run));
        assertThat(html.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(2_000_000);
        Element timeline = new HtmlDoc(html).one("//svg[@class='timeline']");
        int rects = HtmlDoc.all(timeline, ".//rect[@class!='lane']").size();
        // At most a stack of three per pixel column (the plot is 944 px wide) and row.
        assertThat(rects).isLessThanOrEqualTo(8 * 944 * 3).isGreaterThan(8);
        String compare = Report.render(List.of(run, run, run));
        assertThat(compare.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThan(5_000_000);
    }

    /** No network access: no URL, no external resource of any kind. */
    static void assertSelfContained(String html) {
        String lower = html.toLowerCase(Locale.ROOT);
        assertThat(lower).doesNotContain("http:").doesNotContain("https:").doesNotContain("//cdn")
                .doesNotContain(" src=").doesNotContain(" href=").doesNotContain("<link").doesNotContain("@import")
                .doesNotContain("<img").doesNotContain("<iframe");
        Matcher m = Pattern.compile("url\\(([^)]*)\\)").matcher(html);
        while (m.find()) {
            assertThat(m.group(1)).as("only in-page references").startsWith("#");
        }
    }

    /** The first number in a cell ("412× fewer" → 412, "1,234" → 1234, "+7.1%" → 7.1). */
    static double number(String cell) {
        Matcher m = Pattern.compile("[-+]?[0-9][0-9,]*(\\.[0-9]+)?").matcher(cell);
        if (!m.find()) {
            throw new AssertionError("no number in '" + cell + "'");
        }
        return Double.parseDouble(m.group().replace(",", ""));
    }
}
