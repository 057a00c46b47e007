package io.holdfast.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Proves that a leaked buffer is caught: Netty reports it, and the check every test class runs fails. */
class LeakReportsTest {

    @Test
    void aBufferLeakedOnPurposeFailsTheLeakCheck() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
        assertThat(LeakReports.drain()).as("leaks left by earlier classes").isEmpty();

        leakOneBuffer();
        await("Netty's LEAK report").atMost(Duration.ofSeconds(30)).until(() -> {
            LeakReports.collect();
            return LeakReports.pending() > 0;
        });

        // The check this class's FailOnLeaks runs after it; it drains, so the class itself passes.
        assertThatThrownBy(FailOnLeaks::check)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Netty LEAK report")
                .hasMessageContaining("LEAK: ByteBuf.release() was not called")
                .hasMessageContaining("leakOneBuffer");
        assertThat(LeakReports.pending()).isZero();
    }

    @Test
    void theCheckRunsAfterEveryTestClass() {
        assertThat(System.getProperty("junit.jupiter.extensions.autodetection.enabled")).isEqualTo("true");
        assertThat(java.util.ServiceLoader.load(org.junit.jupiter.api.extension.Extension.class).stream()
                .map(java.util.ServiceLoader.Provider::type)).contains(FailOnLeaks.class);
    }

    @Test
    void noLeakNoFailure() {
        ByteBuf buf = UnpooledByteBufAllocator.DEFAULT.directBuffer(8);
        buf.writeLong(1L);
        buf.release();

        FailOnLeaks.check();
    }

    /** Allocates a buffer and drops it unreleased; nothing keeps a reference after return. */
    private static void leakOneBuffer() {
        ByteBuf leaked = UnpooledByteBufAllocator.DEFAULT.directBuffer(32);
        leaked.writeInt(42);
    }
}
