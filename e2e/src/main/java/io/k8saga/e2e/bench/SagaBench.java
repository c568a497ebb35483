package io.k8saga.e2e.bench;

import io.k8saga.e2e.bench.LoadDriver.PhaseResult;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./saga bench}: drives the saga system through its public API and measures completed sagas per second
 * and the latency from POST to final status, then measures bare LRA cycles against the same coordinator (the
 * ceiling), and reports both with the stack's memory and CPU. See {@link BenchOptions#USAGE}.
 */
public final class SagaBench {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private SagaBench() {
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(List.of(args), System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(options, System.out) ? 0 : 1);
    }

    /** Runs the bench; true when no operation failed. */
    static boolean run(BenchOptions options, PrintStream out) throws IOException, InterruptedException {
        LocalDateTime startedAt = LocalDateTime.now();
        String runId = startedAt.format(STAMP);
        // One client for the whole run: connections are kept alive and reused, as a real client pool would.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).followRedirects(HttpClient.Redirect.NEVER).build();
        LoadDriver driver = new LoadDriver(options, System.err, System.console() != null);
        ProcessMeter meter = ProcessMeter.find(options);

        out.println("bench: " + options.loadShape());
        out.println("bench: public API " + options.baseUrl() + ", coordinator " + options.coordinatorUrl());
        SagaWorkload sagas = new SagaWorkload(options, http);
        sagas.createCustomers(runId);

        Map<String, Double> cpuBefore = meter.cpuSeconds();
        PhaseResult sagaResult = driver.run("sagas", sagas);
        Map<String, Double> cpuSagas = delta(cpuBefore, meter.cpuSeconds());

        PhaseResult ceilingResult = null;
        Map<String, Double> cpuCeiling = Map.of();
        long compensations = 0;
        long completedAfterClose = 0;
        if (options.ceiling()) {
            try (CeilingProbe probe = new CeilingProbe(options, http)) {
                cpuBefore = meter.cpuSeconds();
                ceilingResult = driver.run("ceiling", probe);
                cpuCeiling = delta(cpuBefore, meter.cpuSeconds());
                compensations = probe.compensations();
                completedAfterClose = probe.completedAfterClose();
            }
        }
        Map<String, Double> rss = meter.peakRssMib();

        Report report = new Report(options, sagaResult, ceilingResult, compensations, completedAfterClose, meter.pids(), rss, cpuSagas,
                cpuCeiling);
        out.println();
        out.print(report.table());
        Files.createDirectories(options.resultsDir());
        Path file = options.resultsDir().resolve("bench-" + runId + ".json");
        Files.writeString(file, Json.write(report.json(startedAt.toString())));
        out.println("\nresults: " + file);
        return sagaResult.failed() == 0 && (ceilingResult == null || ceilingResult.failed() == 0);
    }

    private static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> delta = new LinkedHashMap<>();
        after.forEach((c, v) -> {
            if (before.containsKey(c)) {
                delta.put(c, v - before.get(c));
            }
        });
        return delta;
    }

    /** The terminal table and the JSON document of one run. */
    record Report(BenchOptions options, PhaseResult sagas, PhaseResult ceiling, long ceilingCompensations,
            long ceilingCompletedAfterClose, Map<String, Long> pids, Map<String, Double> rss, Map<String, Double> cpuSagas,
            Map<String, Double> cpuCeiling) {

        Double ratio() {
            return ceiling == null || ceiling.throughput() == 0 ? null : sagas.throughput() / ceiling.throughput();
        }

        String table() {
            StringBuilder t = new StringBuilder();
            String row = "%-8s %-13s %7s %7s %8s %8s %8s %8s %8s%n";
            t.append(String.format(row, "phase", "group", "ok", "errors", "per s", "p50 ms", "p95 ms", "p99 ms", "max ms"));
            latencyRows(t, row, sagas);
            if (ceiling != null) {
                latencyRows(t, row, ceiling);
            }
            t.append(String.format("%nsagas:   %.1f completed/s over %.1f s (goodput: ended as expected)%n",
                    sagas.throughput(), sagas.seconds()));
            t.append(String.format("orders:  %d offered, %d shed (503 + Retry-After, %.1f %%), %d errors%n",
                    sagas.offered(), sagas.shed(), sagas.offered() == 0 ? 0.0 : 100.0 * sagas.shed() / sagas.offered(),
                    sagas.failed()));
            if (ceiling != null) {
                t.append(String.format("ceiling: %.1f LRA cycles/s over %.1f s (start, 3 joins, close, 3 completes)%n",
                        ceiling.throughput(), ceiling.seconds()));
                t.append(String.format("ratio:   saga / ceiling throughput = %.2f%n", ratio()));
                t.append(String.format("ceiling: complete callbacks still missing when close answered: %d cycles%n",
                        ceilingCompletedAfterClose));
                if (ceilingCompensations > 0) {
                    t.append("ceiling: ").append(ceilingCompensations).append(" compensate callbacks (cancelled LRAs)\n");
                }
            }
            t.append("outcomes: ").append(sagas.results()).append('\n');
            t.append("errors:   ").append(sagas.errors().isEmpty() ? "none" : sagas.errors()).append('\n');
            if (ceiling != null) {
                t.append("ceiling errors: ").append(ceiling.errors().isEmpty() ? "none" : ceiling.errors()).append('\n');
            }
            if (!pids.isEmpty()) {
                String prow = "%-16s %8s %12s %13s %15s%n";
                t.append('\n').append(String.format(prow, "process", "pid", "peak RSS MiB", "CPU s (sagas)",
                        "CPU s (ceiling)"));
                pids.forEach((c, pid) -> t.append(String.format(prow, c, pid, fmt(rss.get(c), "%.0f"),
                        fmt(cpuSagas.get(c), "%.2f"), fmt(cpuCeiling.get(c), "%.2f"))));
            } else {
                t.append("\nprocesses: not measured (remote base URL or no pid files under SAGA_HOME)\n");
            }
            return t.toString();
        }

        private static String fmt(Double v, String format) {
            return v == null ? "-" : String.format(format, v);
        }

        private static void latencyRows(StringBuilder t, String row, PhaseResult phase) {
            Map<String, LatencyStats> groups = new LinkedHashMap<>();
            groups.put("all", phase.overall());
            // The ceiling has one group only (path "lra"); sagas get a row per path and per order class.
            if (phase.byPath().size() > 1 || !phase.byPath().containsKey("lra")) {
                groups.putAll(phase.byPath());
                phase.byLabel().forEach((label, stats) -> {
                    if (!groups.containsKey(label)) {
                        groups.put(label, stats);
                    }
                });
            }
            groups.forEach((group, stats) -> {
                long[] s = stats.sorted();
                long errors = group.equals("all") ? phase.failed() : 0;
                t.append(String.format(row, phase.name(), group, s.length, group.equals("all") ? errors : "",
                        String.format("%.1f", phase.seconds() > 0 ? s.length / phase.seconds() : 0),
                        ms(LatencyStats.percentile(s, 50)), ms(LatencyStats.percentile(s, 95)),
                        ms(LatencyStats.percentile(s, 99)), ms(LatencyStats.percentile(s, 100))));
            });
        }

        private static String ms(long nanos) {
            return String.format("%.1f", nanos / 1e6);
        }

        Map<String, Object> json(String startedAt) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("baseUrl", options.baseUrl());
            settings.put("coordinatorUrl", options.coordinatorUrl());
            settings.put("loop", options.openLoop() ? "open" : "closed");
            settings.put("concurrency", options.openLoop() ? null : options.concurrency());
            settings.put("rate", options.openLoop() ? options.rate() : null);
            settings.put("duration", options.duration() == null ? null : BenchOptions.format(options.duration()));
            settings.put("count", options.count() > 0 ? options.count() : null);
            settings.put("mix", options.mix().toString());
            settings.put("warmup", BenchOptions.format(options.warmup()));
            settings.put("ceiling", options.ceiling());
            settings.put("orderTimeout", BenchOptions.format(options.orderTimeout()));
            settings.put("pollInterval", BenchOptions.format(options.pollInterval()));

            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("startedAt", startedAt);
            Map<String, Object> machine = new LinkedHashMap<>();
            machine.put("cpus", Runtime.getRuntime().availableProcessors());
            machine.put("java", System.getProperty("java.version"));
            doc.put("machine", machine);
            doc.put("settings", settings);
            doc.put("sagas", phaseJson(sagas));
            doc.put("ceiling", ceiling == null ? null : phaseJson(ceiling));
            doc.put("ceilingCompensations", ceiling == null ? null : ceilingCompensations);
            doc.put("ceilingCompletedAfterClose", ceiling == null ? null : ceilingCompletedAfterClose);
            doc.put("ratio", ratio());
            List<Object> processes = new ArrayList<>();
            pids.forEach((c, pid) -> {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("component", c);
                p.put("pid", pid);
                p.put("peakRssMiB", rss.get(c));
                p.put("cpuSecondsSagas", cpuSagas.get(c));
                p.put("cpuSecondsCeiling", cpuCeiling.get(c));
                processes.add(p);
            });
            doc.put("processes", processes);
            return doc;
        }

        private static Map<String, Object> phaseJson(PhaseResult phase) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("seconds", phase.seconds());
            p.put("completed", phase.ok());
            p.put("errors", phase.failed());
            p.put("shed", phase.shed());
            p.put("offered", phase.offered());
            p.put("perSecond", phase.throughput());
            p.put("latencyMs", latencyJson(phase.overall()));
            Map<String, Object> byPath = new LinkedHashMap<>();
            phase.byPath().forEach((k, v) -> byPath.put(k, latencyJson(v)));
            p.put("byPath", byPath);
            Map<String, Object> byLabel = new LinkedHashMap<>();
            phase.byLabel().forEach((k, v) -> byLabel.put(k, latencyJson(v)));
            p.put("byClass", byLabel);
            p.put("outcomes", phase.results());
            p.put("errorKinds", phase.errors());
            return p;
        }

        private static Map<String, Object> latencyJson(LatencyStats stats) {
            long[] s = stats.sorted();
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("count", s.length);
            l.put("p50", LatencyStats.percentile(s, 50) / 1e6);
            l.put("p95", LatencyStats.percentile(s, 95) / 1e6);
            l.put("p99", LatencyStats.percentile(s, 99) / 1e6);
            l.put("max", LatencyStats.percentile(s, 100) / 1e6);
            return l;
        }
    }
}
