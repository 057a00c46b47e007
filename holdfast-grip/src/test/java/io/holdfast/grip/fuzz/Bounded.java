package io.holdfast.grip.fuzz;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one parser call under the fuzz property: it must return, or throw one of the parser's
 * documented exception types, within a time bound.
 *
 * <p>Exists because "never another exception, never a hang, never StackOverflowError or OOM" is the
 * same check for every target. The call runs on a worker thread with an ordinary stack (as on an
 * event loop), so a deep recursion shows up as it would in production; a call still running after
 * {@link #LIMIT} fails the property as a hang and the stuck worker is abandoned (it is a daemon).
 */
public final class Bounded {

    /** Per-call bound; {@code -Dfuzz.callLimitMillis} raises it on a slow machine. */
    public static final Duration LIMIT = Duration.ofMillis(Long.getLong("fuzz.callLimitMillis", 5_000));

    private static ExecutorService worker = newWorker();

    private Bounded() {
    }

    /** What a call did: returned {@code value}, or threw the expected {@code error}. */
    public record Outcome<T>(T value, RuntimeException error) {

        public boolean ok() {
            return error == null;
        }
    }

    /**
     * Calls {@code call}; fails (AssertionError) on a hang, an Error or an exception outside
     * {@code expected}.
     */
    @SafeVarargs
    public static <T> Outcome<T> call(Callable<T> call, Class<? extends RuntimeException>... expected) {
        Future<T> f;
        synchronized (Bounded.class) {
            f = worker.submit(call);
        }
        try {
            return new Outcome<>(f.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (TimeoutException e) {
            f.cancel(true);
            synchronized (Bounded.class) {
                worker.shutdownNow();
                worker = newWorker();
            }
            throw new AssertionError("hang: the call ran longer than " + LIMIT.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            for (Class<? extends RuntimeException> type : expected) {
                if (type.isInstance(cause)) {
                    return new Outcome<>(null, type.cast(cause));
                }
            }
            throw new AssertionError("undocumented " + cause.getClass().getName() + ": " + cause.getMessage(), cause);
        }
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fuzz-call");
            t.setDaemon(true);
            return t;
        });
    }
}
