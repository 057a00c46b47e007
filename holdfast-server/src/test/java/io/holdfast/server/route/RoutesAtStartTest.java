package io.holdfast.server.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.holdfast.server.HoldfastServer;
import io.holdfast.server.testing.Holdfast;
import io.holdfast.server.testing.HoldfastExtension;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** Routes given at start: options Holdfast does not act on are named once, zhttp targets stop the start. */
class RoutesAtStartTest {
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static final Logger SERVER_LOG = (Logger) LoggerFactory.getLogger(HoldfastServer.class);

    static {
        LOG.start();
        SERVER_LOG.addAppender(LOG);
    }

    @RegisterExtension
    static final HoldfastExtension HF = HoldfastExtension.builder()
            .route("*,session,log_level=2 test")
            .build();

    @AfterAll
    static void detach() {
        SERVER_LOG.detachAppender(LOG);
    }

    @Test
    void aRouteWithUnimplementedOptionsLoadsServesAndWarnsOncePerOption() throws Exception {
        assertThat(HF.get("/").body()).contains("Hello from the Holdfast test handler");

        List<String> warnings = LOG.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("is accepted for Pushpin compatibility but not implemented")).toList();
        assertThat(warnings).containsExactly(
                "--route:1: route prop \"session\" is accepted for Pushpin compatibility but not implemented "
                + "by Holdfast; it has no effect",
                "--route:1: route prop \"log_level\" is accepted for Pushpin compatibility but not implemented "
                + "by Holdfast; it has no effect");
    }

    @Test
    void aZhttpTargetStopsTheStartSayingWhy() {
        assertThatThrownBy(() -> Holdfast.start("* zhttpreq/tcp://127.0.0.1:5000").close())
                .isInstanceOf(RouteSyntaxException.class)
                .hasMessageContaining("--route:1")
                .hasMessageContaining("is a ZHTTP peer over ZeroMQ, which Holdfast does not support");
    }
}
