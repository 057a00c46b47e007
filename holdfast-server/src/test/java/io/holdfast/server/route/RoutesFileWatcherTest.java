package io.holdfast.server.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class RoutesFileWatcherTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Path file;
    private LiveRoutes live;
    private RoutesFileWatcher watcher;
    private ListAppender<ILoggingEvent> logs;

    @BeforeEach
    void writeFirstVersion() throws Exception {
        file = dir.resolve("routes");
        Files.writeString(file, "*,id=v1 app:8001\nexample.com,id=ex app:8002\n*,id=api,path_beg=/api/ app:8003\n");
        live = LiveRoutes.of(RoutesFile.load(file));
    }

    @AfterEach
    void stopWatcher() {
        if (watcher != null) {
            watcher.close();
        }
        if (logs != null) {
            watcherLogger().detachAppender(logs);
        }
    }

    private boolean serves(String id) {
        return live.current().byId(id).isPresent();
    }

    @Test
    void picksUpEditedFile() throws Exception {
        watcher = RoutesFileWatcher.start(file, live);

        Files.writeString(file, "*,id=v2 app:9001\n");

        await().atMost(PATIENCE).until(() -> serves("v2"));
        assertThat(live.current().size()).isEqualTo(1);
        assertThat(watcher.reloadCount()).isPositive();
    }

    @Test
    void picksUpFileReplacedByRename() throws Exception {
        watcher = RoutesFileWatcher.start(file, live);
        Path temp = dir.resolve(".routes.swp");
        Files.writeString(temp, "*,id=renamed app:9002\n");

        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        await().atMost(PATIENCE).until(() -> serves("renamed"));
    }

    @Test
    void keepsPreviousTableOnBrokenEditAndTakesNextGoodEdit() throws Exception {
        logs = captureLogs();
        watcher = RoutesFileWatcher.start(file, live);
        RouteTable before = live.current();

        Files.writeString(file, "*,id=v2 app:9001\n* app1\n");

        await().atMost(PATIENCE).until(() -> watcher.failedReloadCount() > 0);
        assertThat(live.current()).isSameAs(before);
        assertThat(loggedMessages()).extracting(ILoggingEvent::getFormattedMessage).contains(
                "routes file " + watcher.file() + " not reloaded, keeping the previous 3 routes: "
                + "routes:2: target \"app1\" has no port");

        Files.writeString(file, "*,id=v3 app:9003\n");

        await().atMost(PATIENCE).until(() -> serves("v3"));
    }

    @Test
    void detectsChangesByPollingWhenNoEventsArrive() throws Exception {
        watcher = RoutesFileWatcher.start(file, live, table -> { },
                new RoutesFileWatcher.Settings(false, Duration.ofMillis(50), Duration.ofMillis(100)));

        Files.writeString(file, "*,id=polled app:9004\n");

        await().atMost(PATIENCE).until(() -> serves("polled"));

        Path temp = dir.resolve("routes.new");
        Files.writeString(temp, "*,id=polled-rename app:9005\n");
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        await().atMost(PATIENCE).until(() -> serves("polled-rename"));
    }

    @Test
    void tellsListenerAboutEachNewTable() throws Exception {
        List<RouteTable> seen = new CopyOnWriteArrayList<>();
        watcher = RoutesFileWatcher.start(file, live, seen::add);

        Files.writeString(file, "*,id=heard app:9006\n");

        await().atMost(PATIENCE).until(() -> !seen.isEmpty());
        assertThat(seen.get(seen.size() - 1)).isSameAs(live.current());
    }

    @Test
    void reloadsSynchronouslyOnRequest() throws Exception {
        // A long debounce and poll keep the background thread out of the way.
        watcher = RoutesFileWatcher.start(file, live, table -> { },
                new RoutesFileWatcher.Settings(false, Duration.ofHours(1), Duration.ofHours(1)));

        Files.writeString(file, "*,id=now app:9007\n");
        assertThat(watcher.reloadNow()).isTrue();
        assertThat(serves("now")).isTrue();

        Files.writeString(file, "*,proto=gopher app:9008\n");
        assertThat(watcher.reloadNow()).isFalse();
        assertThat(serves("now")).isTrue();
        assertThat(watcher.reloadCount()).isEqualTo(1);
        assertThat(watcher.failedReloadCount()).isEqualTo(1);
    }

    @Test
    void keepsPreviousTableWhenFileIsDeleted() throws Exception {
        watcher = RoutesFileWatcher.start(file, live, table -> { },
                new RoutesFileWatcher.Settings(false, Duration.ofHours(1), Duration.ofHours(1)));
        RouteTable before = live.current();

        Files.delete(file);

        assertThat(watcher.reloadNow()).isFalse();
        assertThat(live.current()).isSameAs(before);
    }

    private List<ILoggingEvent> loggedMessages() {
        synchronized (logs) { // AppenderBase.doAppend holds this lock while appending
            return List.copyOf(logs.list);
        }
    }

    private static Logger watcherLogger() {
        return (Logger) LoggerFactory.getLogger(RoutesFileWatcher.class);
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        watcherLogger().addAppender(appender);
        return appender;
    }
}
