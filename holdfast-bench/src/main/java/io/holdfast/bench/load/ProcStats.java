package io.holdfast.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resident memory and CPU time of a process and all its descendants, read from {@code /proc}.
 *
 * <p>Pushpin is several processes under its runner (condure, pushpin-proxy, pushpin-handler); the
 * issue asks for the sum over all of them, which is what {@link #tree(long)} gives. Summing RSS counts
 * shared library pages once per process, which inflates the totals but cancels out of the
 * per-connection figure (a difference of two samples of the same processes).
 */
public final class ProcStats {

    /** Clock ticks per second of {@code /proc} CPU times (USER_HZ; 100 on Linux/x86 unless told). */
    public static final long CLK_TCK = Long.getLong("bench.clkTck", 100);
    /** Bytes per page for {@code /proc/<pid>/stat} rss (4096 on x86-64 unless told). */
    public static final long PAGE_SIZE = Long.getLong("bench.pageSize", 4096);

    /** One reading of a process tree. */
    public record Sample(long rssBytes, long cpuTicks, int processes, long nanos, List<String> names) {
        public double cpuSeconds() {
            return cpuTicks / (double) CLK_TCK;
        }
    }

    private record Stat(long pid, long ppid, String name, long cpuTicks, long rssPages) {
    }

    private ProcStats() {
    }

    /** The sum over {@code rootPid} and every descendant; an exited root reads as zero processes. */
    public static Sample tree(long rootPid) {
        long now = System.nanoTime();
        Map<Long, Stat> all = new HashMap<>();
        Map<Long, List<Long>> children = new HashMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : dir) {
                String n = p.getFileName().toString();
                if (n.isEmpty() || !Character.isDigit(n.charAt(0))) {
                    continue;
                }
                Stat s = stat(Long.parseLong(n));
                if (s != null) {
                    all.put(s.pid, s);
                    children.computeIfAbsent(s.ppid, k -> new ArrayList<>()).add(s.pid);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        long rss = 0;
        long cpu = 0;
        List<String> names = new ArrayList<>();
        List<Long> todo = new ArrayList<>();
        if (all.containsKey(rootPid)) {
            todo.add(rootPid);
        }
        while (!todo.isEmpty()) {
            long pid = todo.remove(todo.size() - 1);
            Stat s = all.get(pid);
            if (s == null) {
                continue;
            }
            rss += s.rssPages * PAGE_SIZE;
            cpu += s.cpuTicks;
            names.add(s.name + "(" + pid + ")");
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return new Sample(rss, cpu, names.size(), now, names);
    }

    /** Just one process (no descendants), e.g. the load generator itself. */
    public static Sample self() {
        Stat s = stat(ProcessHandle.current().pid());
        long now = System.nanoTime();
        return s == null ? new Sample(0, 0, 0, now, List.of())
                : new Sample(s.rssPages * PAGE_SIZE, s.cpuTicks, 1, now, List.of(s.name));
    }

    /** Open file descriptors of the tree (a leak check after churn). */
    public static long openFiles(long rootPid) {
        long total = 0;
        Sample t = tree(rootPid);
        for (String name : t.names()) {
            String pid = name.substring(name.lastIndexOf('(') + 1, name.length() - 1);
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", pid, "fd"))) {
                for (Path ignored : fds) {
                    total++;
                }
            } catch (IOException e) {
                // exited meanwhile
            }
        }
        return total;
    }

    /**
     * TCP connections on this machine whose local port is {@code port} and that are neither listening
     * nor in TIME_WAIT: the connections a server on that port still holds (IPv4 and IPv6 tables).
     */
    public static int connectionsOnLocalPort(int port) {
        int n = 0;
        for (String table : new String[] {"/proc/net/tcp", "/proc/net/tcp6"}) {
            try {
                List<String> lines = Files.readAllLines(Path.of(table));
                for (int i = 1; i < lines.size(); i++) {
                    String[] f = lines.get(i).trim().split("\\s+");
                    if (f.length < 4) {
                        continue;
                    }
                    String local = f[1];
                    int localPort = Integer.parseInt(local.substring(local.lastIndexOf(':') + 1), 16);
                    String state = f[3];
                    if (localPort == port && !state.equals("0A") && !state.equals("06")) {
                        n++;
                    }
                }
            } catch (IOException | RuntimeException e) {
                // no such table
            }
        }
        return n;
    }

    /** Busy CPU ticks of the whole machine (all cores, from {@code /proc/stat}). */
    public static long systemBusyTicks() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            long busy = 0;
            // cpu user nice system idle iowait irq softirq steal ...
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i == 4 || i == 5) {
                    continue;
                }
                busy += Long.parseLong(f[i]);
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static Stat stat(long pid) {
        try {
            String s = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat")),
                    StandardCharsets.US_ASCII);
            int open = s.indexOf('(');
            int close = s.lastIndexOf(')');
            String name = s.substring(open + 1, close);
            String[] f = s.substring(close + 2).split(" ");
            // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, rss 24.
            long ppid = Long.parseLong(f[1]);
            long cpu = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            long rss = Long.parseLong(f[21]);
            return new Stat(pid, ppid, name, cpu, rss);
        } catch (IOException | RuntimeException e) {
            return null; // gone, or not ours to read
        }
    }
}
