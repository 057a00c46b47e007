package io.holdfast.server.cli;

import org.slf4j.LoggerFactory;

/**
 * SIGHUP handling: Pushpin reloads on it (systemd's {@code ExecReload}), so we do too. Uses the JDK's
 * {@code sun.misc.Signal}, the only way to catch it without native code; where it is missing, the
 * routes file watcher still picks up changes.
 */
final class Signals {
    private Signals() {}

    static void onHangup(Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object hup = signal.getConstructor(String.class).newInstance("HUP");
            Object proxy = java.lang.reflect.Proxy.newProxyInstance(Signals.class.getClassLoader(),
                    new Class<?>[] {handler}, (p, m, a) -> {
                        if (m.getName().equals("handle")) {
                            action.run();
                        }
                        return null;
                    });
            signal.getMethod("handle", signal, handler).invoke(null, hup, proxy);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LoggerFactory.getLogger(Signals.class).debug("SIGHUP handling unavailable: {}", e.toString());
        }
    }
}
