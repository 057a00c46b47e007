package io.holdfast.server.route;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the routes file when it changes, without a restart, as Pushpin does (spec 5.1: "the
 * routes file is watched and reloaded automatically"). It runs on its own daemon thread because
 * reading and parsing a file is blocking work that must never run on an event loop; the result
 * is swapped into {@link LiveRoutes} in one step. A broken edit is logged with its line and the
 * previous table stays in force, so a typo never takes the proxy down.
 *
 * <p>Change detection is belt and braces: a {@link WatchService} on the parent directory (so an
 * editor that saves by writing a new file and renaming it over the old one is still seen, and so
 * is a Kubernetes ConfigMap's symlink swap), plus a check of the file's modification time, size
 * and identity about once a second for filesystems that deliver no events (NFS, some container
 * mounts). Changes are debounced because one save produces several events: we read the file
 * about 300 ms after the last event (Pushpin waits about 1 s after the first, spec 5.1).
 * {@link #reloadNow()} reloads synchronously, for SIGHUP.
 */
public final class RoutesFileWatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RoutesFileWatcher.class);

    /** Quiet time after the last change event before reading the file. */
    public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(300);
    /** How often the file's modification time and size are checked, events or not. */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);

    /** How the watcher detects changes; tests turn off the WatchService to exercise polling. */
    record Settings(boolean useWatchService, Duration debounce, Duration pollInterval) {
        static final Settings DEFAULTS = new Settings(true, DEFAULT_DEBOUNCE, DEFAULT_POLL_INTERVAL);
    }

    /** What identifies one version of the file; NONE when it is missing or unreadable. */
    private record FileStamp(FileTime modified, long size, Object fileKey) {
        static final FileStamp NONE = new FileStamp(null, -1, null);
    }

    private final Path file;
    private final Path fileName;
    private final LiveRoutes target;
    private final Consumer<RouteTable> onReload;
    private final Settings settings;
    private final WatchService watchService;
    private final Thread thread;
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final CountDownLatch closedSignal = new CountDownLatch(1);
    private volatile boolean closed;
    private FileStamp loadedStamp; // guarded by this (reload is synchronized)

    private RoutesFileWatcher(Path file, LiveRoutes target, Consumer<RouteTable> onReload,
                              Settings settings) {
        this.file = file.toAbsolutePath().normalize();
        this.fileName = this.file.getFileName();
        this.target = requireNonNull(target, "target");
        this.onReload = requireNonNull(onReload, "onReload");
        this.settings = requireNonNull(settings, "settings");
        this.loadedStamp = stamp();
        this.watchService = settings.useWatchService() ? register() : null;
        this.thread = new Thread(this::run, "holdfast-routes-watcher");
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching {@code file}; changes are parsed and put into {@code target}. The caller
     * loads the first table itself ({@link RoutesFile#load}), so it can refuse to start on a bad
     * file; the watcher only reacts to changes made after it starts.
     */
    public static RoutesFileWatcher start(Path file, LiveRoutes target) {
        return start(file, target, table -> { });
    }

    /**
     * Like {@link #start(Path, LiveRoutes)}, and also calls {@code onReload} with each new table
     * after it is in force (on the watcher's thread, or the caller's for {@link #reloadNow()}).
     */
    public static RoutesFileWatcher start(Path file, LiveRoutes target, Consumer<RouteTable> onReload) {
        return start(file, target, onReload, Settings.DEFAULTS);
    }

    static RoutesFileWatcher start(Path file, LiveRoutes target, Consumer<RouteTable> onReload,
                                   Settings settings) {
        RoutesFileWatcher watcher = new RoutesFileWatcher(file, target, onReload, settings);
        watcher.thread.start();
        return watcher;
    }

    /**
     * Reads and parses the file now, on the calling thread (SIGHUP). On success the new table is
     * in force when this returns; on failure the error is logged and the previous table stays.
     *
     * @return whether the new table was put in force
     */
    public synchronized boolean reloadNow() {
        FileStamp stamp = stamp(); // before reading: a write after this is caught by the next check
        int previous = target.current().size();
        RouteTable table;
        try {
            table = RoutesFile.load(file);
        } catch (RouteSyntaxException e) {
            return failed(stamp, previous, e.getMessage());
        } catch (NoSuchFileException e) {
            return failed(stamp, previous, "no such file");
        } catch (IOException | RuntimeException e) {
            return failed(stamp, previous, e.toString());
        }
        loadedStamp = stamp;
        target.replace(table);
        log.info("routes file {} reloaded: {} routes", file, table.size());
        reloads.incrementAndGet();
        try {
            onReload.accept(table);
        } catch (RuntimeException e) {
            log.warn("routes reload listener failed", e);
        }
        return true;
    }

    private boolean failed(FileStamp stamp, int previous, String why) {
        loadedStamp = stamp; // don't retry the same broken content on every check
        log.error("routes file {} not reloaded, keeping the previous {} routes: {}", file, previous, why);
        failures.incrementAndGet(); // after logging, so a test that sees the count sees the log
        return false;
    }

    /** Successful reloads so far (by events, polling or {@link #reloadNow()}). */
    public long reloadCount() {
        return reloads.get();
    }

    /** Reload attempts that failed and left the previous table in force. */
    public long failedReloadCount() {
        return failures.get();
    }

    /** The file being watched (absolute). */
    public Path file() {
        return file;
    }

    /** Stops watching; the current table stays in force. */
    @Override
    public void close() {
        closed = true;
        if (watchService != null) {
            try {
                watchService.close(); // wakes a blocked poll()
            } catch (IOException e) {
                log.debug("closing the routes watch service", e);
            }
        }
        closedSignal.countDown(); // wakes the polling-only wait
        // No interrupt: it would abort a file read in progress (ClosedByInterruptException).
        if (Thread.currentThread() != thread) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- the watcher thread ---------------------------------------------------------------

    /** Directory events tell us something may have changed; which one decides how sure we are. */
    private enum Signal { NONE, OTHER_ENTRY, OUR_FILE }

    private void run() {
        try {
            watch();
        } catch (RuntimeException e) {
            log.error("routes file {}: watcher stopped; edits need a SIGHUP or restart now", file, e);
        }
    }

    private void watch() {
        long debounce = settings.debounce().toNanos();
        long pollInterval = settings.pollInterval().toNanos();
        long nextPoll = System.nanoTime() + pollInterval;
        boolean pending = false; // a check is due at dueAt
        long dueAt = 0;
        boolean sure = false;    // an event named our file: reload even if the stamp looks the same
        while (!closed) {
            long now = System.nanoTime();
            long wait = nextPoll - now; // nanoTime differences, never comparisons (they may wrap)
            if (pending) {
                wait = Math.min(wait, dueAt - now);
            }
            Signal signal = await(Math.max(0, wait));
            if (closed) {
                return;
            }
            now = System.nanoTime();
            if (signal != Signal.NONE) {
                sure |= signal == Signal.OUR_FILE;
                pending = true;
                dueAt = now + debounce; // trailing debounce: wait for the burst of events to end
            }
            if (now - nextPoll >= 0) {
                nextPoll = now + pollInterval;
                if (!pending && changedSinceLoad()) {
                    pending = true;
                    dueAt = now + debounce; // the writer may not be done yet
                }
            }
            if (pending && now - dueAt >= 0) {
                if (sure || changedSinceLoad()) {
                    reloadNow();
                }
                pending = false;
                sure = false;
            }
        }
    }

    /** Waits up to {@code nanos} for directory events (or just waits, when polling only). */
    private Signal await(long nanos) {
        try {
            if (watchService == null) {
                closedSignal.await(nanos, TimeUnit.NANOSECONDS);
                return Signal.NONE;
            }
            Signal signal = Signal.NONE;
            WatchKey key = watchService.poll(nanos, TimeUnit.NANOSECONDS);
            while (key != null) {
                signal = strongest(signal, drain(key));
                key = watchService.poll(); // take whatever else is queued, without waiting
            }
            return signal;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true; // nobody but close() should interrupt us; stop either way
            return Signal.NONE;
        } catch (ClosedWatchServiceException e) {
            return Signal.NONE; // closing; watch() checks the flag
        }
    }

    private Signal drain(WatchKey key) {
        Signal signal = Signal.NONE;
        for (WatchEvent<?> event : key.pollEvents()) {
            boolean ours = event.kind() == OVERFLOW || fileName.equals(event.context());
            signal = strongest(signal, ours ? Signal.OUR_FILE : Signal.OTHER_ENTRY);
        }
        if (!key.reset()) {
            // The directory went away; the mtime check carries on alone.
            log.warn("routes file {}: its directory is no longer watched, checking every {} ms",
                     file, settings.pollInterval().toMillis());
        }
        return signal;
    }

    private static Signal strongest(Signal a, Signal b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    private WatchService register() {
        Path dir = file.getParent();
        WatchService service = null;
        try {
            service = dir.getFileSystem().newWatchService();
            dir.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE);
            return service;
        } catch (IOException | UnsupportedOperationException e) {
            log.warn("routes file {}: cannot watch {} ({}); checking every {} ms instead", file, dir,
                     e.toString(), settings.pollInterval().toMillis());
            if (service != null) {
                try {
                    service.close();
                } catch (IOException ignored) {
                    // nothing more to do
                }
            }
            return null;
        }
    }

    private synchronized boolean changedSinceLoad() {
        return !Objects.equals(stamp(), loadedStamp);
    }

    private FileStamp stamp() {
        try {
            // Follows symlinks, so a ConfigMap's re-pointed link shows up as a new fileKey.
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
            return new FileStamp(attrs.lastModifiedTime(), attrs.size(), attrs.fileKey());
        } catch (IOException e) {
            return FileStamp.NONE;
        }
    }

    @Override
    public String toString() {
        return "RoutesFileWatcher[" + file + ']';
    }
}
