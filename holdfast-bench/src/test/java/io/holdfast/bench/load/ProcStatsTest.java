package io.holdfast.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

@EnabledOnOs(OS.LINUX)
class ProcStatsTest {

    @Test
    void readsThisProcessTree() {
        ProcStats.Sample s = ProcStats.tree(ProcessHandle.current().pid());

        assertThat(s.processes()).isGreaterThanOrEqualTo(1);
        assertThat(s.rssBytes()).isGreaterThan(1 << 20);
        assertThat(s.cpuTicks()).isPositive();
        assertThat(ProcStats.openFiles(ProcessHandle.current().pid())).isPositive();
    }

    @Test
    void aMissingProcessReadsAsEmpty() {
        assertThat(ProcStats.tree(Integer.MAX_VALUE).processes()).isZero();
    }

    @Test
    void limitsAreReadFromTheKernel() {
        Limits l = Limits.read();

        assertThat(l.softFiles()).isPositive();
        assertThat(l.portsPerAddress()).isPositive();
        assertThat(l.addressesFor(15_000)).isGreaterThanOrEqualTo(Limits.MIN_SOURCE_ADDRESSES);
        assertThat(l.describe()).contains("open files");
    }
}
