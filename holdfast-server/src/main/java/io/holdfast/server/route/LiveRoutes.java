package io.holdfast.server.route;

import static java.util.Objects.requireNonNull;

/**
 * The route table currently in force. Event loops read it on every request and a reload swaps it
 * from another thread, so it is a single volatile reference: readers never lock, and each request
 * sees either the whole old table or the whole new one, never a mix (Pushpin swaps its map
 * atomically too). A request keeps the {@link Route} it matched even if the table changes later.
 */
public final class LiveRoutes {

    private volatile RouteTable current;

    private LiveRoutes(RouteTable initial) {
        current = requireNonNull(initial, "initial");
    }

    public static LiveRoutes of(RouteTable initial) {
        return new LiveRoutes(initial);
    }

    /** The table in force now; read it once per request and use that value throughout. */
    public RouteTable current() {
        return current;
    }

    /** Puts a new table in force for every request that starts from now on. */
    public void replace(RouteTable table) {
        current = requireNonNull(table, "table");
    }

    @Override
    public String toString() {
        return "LiveRoutes[" + current + ']';
    }
}
