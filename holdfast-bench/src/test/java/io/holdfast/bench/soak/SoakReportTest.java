package io.holdfast.bench.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakReportTest {

    private static SoakResults healthy() {
        SoakResults r = new SoakResults();
        r.keepUpSse = 2;
        r.keepUpWs = 1;
        r.keepUpOpenAtEnd = 3;
        r.measuredPublished = 100;
        r.cutOffCounter = 5;
        r.cutOffLogLines = 5;
        r.maxLinesPerCutOff = 1;
        r.cutOffPattern = "dropped";
        r.probeGets = 10;
        r.probeSubs = 10;
        r.baseline = sample("baseline", 60, 10_000, 1_000);
        r.afterLoad = sample("after the load", 62, 12_000, 5_000);
        r.afterCycles = sample("after cycles", 61, 11_000, 5_000);
        r.samples.add(r.baseline);
        r.serverAliveAtEnd = true;
        return r;
    }

    private static ProcessProbe.Sample sample(String label, long fds, long heapKib, long directKib) {
        return new ProcessProbe.Sample(label, 100_000, fds, 30, heapKib, 64_000, directKib, Map.of("x", 1L));
    }

    @Test
    void everyClaimPassesOnHealthyFigures() {
        String md = new SoakReport(healthy()).markdown();
        assertThat(md).contains("| zero loss and duplication for subscribers that keep up | PASS |")
                .contains("| slow subscribers cut off, one log line each | PASS |")
                .contains("| service never interrupted | PASS |")
                .contains("| back to baseline: after cycles | PASS |")
                .doesNotContain("FAIL");
    }

    @Test
    void eachDefectFailsItsClaim() {
        SoakResults r = healthy();
        r.keepUpMissing = 1;
        r.maxLinesPerCutOff = 950;
        r.probeSubFailures = 1;
        r.afterCycles = sample("after cycles", 300, 11_000, 5_000);
        String md = new SoakReport(r).markdown();
        assertThat(md).contains("| zero loss and duplication for subscribers that keep up | **FAIL** |")
                .contains("| slow subscribers cut off, one log line each | **FAIL** |")
                .contains("| service never interrupted | **FAIL** |")
                .contains("| back to baseline: after cycles | **FAIL** |")
                .contains("| back to baseline: after the load | PASS |");
    }
}
