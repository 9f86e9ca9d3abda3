package org.diloco4j.net.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark keeps only the window's answers and reports nearest-rank percentiles of them. */
class AnswerTimesTest {
    @Test
    void keepsTheWindowsAnswersAndReportsTheirPercentiles() {
        AnswerTimes t = new AnswerTimes();
        t.pushAnswered(100);                       // before the window: left out
        t.open();
        for (int i = 10; i >= 1; i--) t.pushAnswered(i);
        t.close();
        t.pushAnswered(200);                       // after it: left out
        Map<String, Object> res = new HashMap<>();
        t.put(res);
        assertThat(res).containsEntry("push_answer_count", 10).containsEntry("push_answer_seconds_p50", 5.0)
                .containsEntry("push_answer_seconds_p90", 9.0).containsEntry("push_answer_seconds_p99", 10.0)
                .containsEntry("push_answer_seconds_max", 10.0);
    }

    @Test
    void anEmptyWindowHasACountOnly() {
        Map<String, Object> res = new HashMap<>();
        new AnswerTimes().put(res);
        assertThat(res).containsOnlyKeys("push_answer_count");
    }
}
