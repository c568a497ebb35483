package io.k8saga.e2e.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Peak RSS and CPU time of the local stack's processes (and of the bench itself), read from /proc: the pids come
 * from {@code $SAGA_HOME/pids/<component>.pid}, written by {@code ./saga up}. Linux only; elsewhere, or for a
 * remote stack, there is nothing to read and the figures are left out.
 */
final class ProcessMeter {

    /** In {@code ./saga}'s start order, so the table reads like {@code ./saga status}. */
    static final List<String> COMPONENTS =
            List.of("kafka", "lra-coordinator", "credit-route", "payment-route", "order-route", "gateway");
    /** USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux this runs on. */
    private static final double CLK_TCK = 100.0;

    private final Map<String, Long> pids = new LinkedHashMap<>();

    /** Finds the stack's processes when the base URL is local and the pid files exist. */
    static ProcessMeter find(BenchOptions options) {
        ProcessMeter meter = new ProcessMeter();
        String host = java.net.URI.create(options.baseUrl()).getHost();
        boolean local = "localhost".equals(host) || "127.0.0.1".equals(host) || "::1".equals(host)
                || "[::1]".equals(host);
        if (local) {
            for (String c : COMPONENTS) {
                for (String name : c.equals("lra-coordinator") ? shards(options.sagaHome()) : List.of(c)) {
                    readPid(options.sagaHome().resolve("pids").resolve(name + ".pid"))
                            .filter(pid -> Files.exists(Path.of("/proc", Long.toString(pid), "stat")))
                            .ifPresent(pid -> meter.pids.put(name, pid));
                }
            }
        }
        if (Files.exists(Path.of("/proc/self/stat"))) {
            meter.pids.put("bench", ProcessHandle.current().pid());
        }
        return meter;
    }

    Map<String, Long> pids() {
        return pids;
    }

    /** CPU seconds (user + system) consumed so far by each process; a vanished process is left out. */
    Map<String, Double> cpuSeconds() {
        Map<String, Double> cpu = new LinkedHashMap<>();
        pids.forEach((c, pid) -> read(Path.of("/proc", pid.toString(), "stat"))
                .ifPresent(stat -> cpu.put(c, cpuSecondsOf(stat))));
        return cpu;
    }

    /** Peak resident set (VmHWM) of each process since it started, in MiB. */
    Map<String, Double> peakRssMib() {
        Map<String, Double> rss = new LinkedHashMap<>();
        pids.forEach((c, pid) -> read(Path.of("/proc", pid.toString(), "status"))
                .flatMap(ProcessMeter::vmHwmKib).ifPresent(kib -> rss.put(c, kib / 1024.0)));
        return rss;
    }

    /** utime + stime of a /proc/<pid>/stat line, in seconds; fields are counted after the ")" closing comm. */
    static double cpuSecondsOf(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields[0] is field 3 (state), so utime (field 14) is fields[11] and stime (field 15) fields[12].
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / CLK_TCK;
    }

    static java.util.Optional<Long> vmHwmKib(String status) {
        return status.lines().filter(l -> l.startsWith("VmHWM:")).findFirst()
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")));
    }

    /** The coordinator shards ./saga recorded a pid for (lra-coordinator-0, -1, ...), in shard order. */
    private static List<String> shards(Path sagaHome) {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; Files.exists(sagaHome.resolve("pids").resolve("lra-coordinator-" + i + ".pid")); i++) {
            names.add("lra-coordinator-" + i);
        }
        return names;
    }

    private static java.util.Optional<Long> readPid(Path file) {
        return read(file).map(String::trim).filter(s -> s.matches("[0-9]+")).map(Long::parseLong);
    }

    private static java.util.Optional<String> read(Path file) {
        try {
            return java.util.Optional.of(Files.readString(file));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }
}
