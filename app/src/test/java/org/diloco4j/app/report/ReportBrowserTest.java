package org.diloco4j.app.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens real reports in headless chromium: the page must parse, lay out and paint. The screenshots
 * stay in app/target/report-screenshots for a human to look at. Set DILOCO_SKIP_BROWSER=1 to skip.
 */
class ReportBrowserTest {
    static final int WIDTH = 1280;
    static final int HEIGHT = 2400;
    static final Path SHOTS = Path.of("target", "report-screenshots");

    @BeforeAll
    static void needsChromium() {
        assumeFalse("1".equals(System.getenv("DILOCO_SKIP_BROWSER")), "DILOCO_SKIP_BROWSER=1");
        if (!Files.isExecutable(Chromium.BINARY)) {
            fail("the report browser test needs headless chromium at " + Chromium.BINARY
                    + ": apt-get install chromium (or set DILOCO_SKIP_BROWSER=1 to skip this test)");
        }
    }

    @Test
    void comparisonReportRendersInChromium(@TempDir Path tmp) throws Exception {
        check(Fixtures.all(), "compare", tmp, 3);
    }

    @Test
    void singleRunReportRendersInChromium(@TempDir Path tmp) throws Exception {
        check(List.of(Fixtures.run("async-dn-dylu")), "single", tmp, 1);
    }

    @Test
    void interruptedRunReportRendersInChromium(@TempDir Path tmp) throws Exception {
        check(List.of(Fixtures.run("interrupted")), "interrupted", tmp, 1);
        String dom = Chromium.dumpDom(tmp.resolve("interrupted.html"), tmp);
        assertThat(dom).contains("Run in progress or interrupted.").contains("<figure class=\"chart\" id=\"train-lr\">");
    }

    private static void check(List<RunData> runs, String name, Path tmp, int timelines) throws Exception {
        Path html = tmp.resolve(name + ".html");
        Report.write(runs, html);
        Files.createDirectories(SHOTS);
        Path png = SHOTS.resolve(name + ".png");
        Files.deleteIfExists(png);
        Files.copy(html, SHOTS.resolve(name + ".html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        Chromium.screenshot(html, png, WIDTH, HEIGHT, tmp);
        assertThat(png).exists();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(WIDTH);
        assertThat(img.getHeight()).isEqualTo(HEIGHT);
        // A painted report has many colours (palette, anti-aliased text) and plenty of non-background ink.
        Set<Integer> colours = new HashSet<>();
        long ink = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int rgb = img.getRGB(x, y) & 0xFFFFFF;
                colours.add(rgb);
                int r = rgb >> 16 & 0xFF;
                int g = rgb >> 8 & 0xFF;
                int b = rgb & 0xFF;
                if (r + g + b < 600) {
                    ink++;
                }
            }
        }
        assertThat(colours.size()).as("distinct colours").isGreaterThan(200);
        assertThat(ink).as("non-white pixels").isGreaterThan(img.getWidth() * img.getHeight() / 4 / 50);
        // The palette's blue (compute, first run) is on the page, so the charts were painted.
        assertThat(colours).contains(0x0072B2);

        String dom = Chromium.dumpDom(html, tmp);
        assertThat(dom).contains("<figure class=\"chart\" id=\"eval-tokens\">")
                .contains("<figure class=\"chart\" id=\"eval-bytes\">");
        assertThat(count(dom, "<svg class=\"timeline\"")).isEqualTo(timelines);
        assertThat(count(dom, "<polyline")).isGreaterThanOrEqualTo(3 * runs.size());
    }

    private static int count(String s, String needle) {
        int n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
