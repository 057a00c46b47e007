package io.holdfast.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The limits that cap how many connections one load-generator process can hold, read from the
 * kernel so the run can say which one it met: the open-file limit ({@code RLIMIT_NOFILE}, 20,000 on
 * the reference machine and not raisable) and the ephemeral port range per source address.
 */
public final class Limits {

    /** Descriptors the JVM, the publisher and the measurement need besides the subscribers. */
    public static final int RESERVED_FILES = 300;

    private final long softFiles;
    private final long hardFiles;
    private final int portLow;
    private final int portHigh;

    private Limits(long softFiles, long hardFiles, int portLow, int portHigh) {
        this.softFiles = softFiles;
        this.hardFiles = hardFiles;
        this.portLow = portLow;
        this.portHigh = portHigh;
    }

    public static Limits read() {
        long soft = -1;
        long hard = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    soft = parseLimit(f[0]);
                    hard = parseLimit(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave unknown
        }
        int low = 32768;
        int high = 60999;
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
            String[] f = lines.get(0).trim().split("\\s+");
            low = Integer.parseInt(f[0]);
            high = Integer.parseInt(f[1]);
        } catch (IOException | RuntimeException e) {
            // keep the Linux defaults
        }
        return new Limits(soft, hard, low, high);
    }

    private static long parseLimit(String s) {
        return s.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(s);
    }

    public long softFiles() {
        return softFiles;
    }

    public long hardFiles() {
        return hardFiles;
    }

    public int portsPerAddress() {
        return portHigh - portLow + 1;
    }

    /** The most subscriber connections this process can open. */
    public int maxConnections() {
        if (softFiles <= 0 || softFiles == Long.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        return (int) Math.max(0, softFiles - RESERVED_FILES);
    }

    /** Source addresses used at least, so that back-to-back runs do not meet their own TIME_WAITs. */
    public static final int MIN_SOURCE_ADDRESSES = 8;

    /** Source addresses needed so that no single one runs out of ephemeral ports. */
    public int addressesFor(int connections) {
        // Leave a third of each address's ports for TIME_WAIT and for other programs.
        int perAddress = Math.max(1, portsPerAddress() * 2 / 3);
        return Math.max(MIN_SOURCE_ADDRESSES, (connections + perAddress - 1) / perAddress);
    }

    public String describe() {
        return "open files " + (softFiles == Long.MAX_VALUE ? "unlimited" : softFiles) + " (soft) / "
                + (hardFiles == Long.MAX_VALUE ? "unlimited" : hardFiles) + " (hard), so at most "
                + maxConnections() + " connections per process; ephemeral ports " + portLow + "-" + portHigh
                + " (" + portsPerAddress() + " per source address)";
    }
}
