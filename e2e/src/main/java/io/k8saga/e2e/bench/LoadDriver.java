package io.k8saga.e2e.bench;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs one phase of load (sagas or bare LRA cycles) with the shape of the options: a warm-up that is not
 * recorded, then a measured part, either closed loop (N callers, each starts its next operation when the last
 * one ended) or open loop (operations start on a fixed schedule whatever is in flight). It prints a progress line
 * every second and returns the recorded figures.
 */
final class LoadDriver {

    /** One operation of the phase; it never throws, failures are returned as an {@link Outcome} with an error. */
    interface Operation {
        Outcome run(long seq);
    }

    /**
     * How one operation ended. {@code label} groups latencies (order class, or "cycle"), {@code path} is the saga
     * path (approve or compensation), {@code result} what the system answered, {@code error} null when the
     * operation ended as it should. A shed operation was refused by the system's admission control (503 with
     * Retry-After): neither done nor an error.
     */
    record Outcome(String label, String path, String result, String error) {

        static final String SHED = "shed";

        static Outcome shed(String label, String path) {
            return new Outcome(label, path, SHED, null);
        }

        boolean isShed() {
            return SHED.equals(result);
        }
    }

    /**
     * The figures of one phase's measured part; latencies only of operations that ended as they should. {@code ok}
     * of them per second is the goodput; {@code shed} were refused at once and never started.
     */
    record PhaseResult(String name, double seconds, long ok, long failed, long shed, LatencyStats overall,
            Map<String, LatencyStats> byLabel, Map<String, LatencyStats> byPath, Map<String, Long> results,
            Map<String, Long> errors) {

        double throughput() {
            return seconds > 0 ? ok / seconds : 0;
        }

        long offered() {
            return ok + failed + shed;
        }
    }

    private final BenchOptions options;
    private final PrintStream progress;
    private final boolean terminal;

    LoadDriver(BenchOptions options, PrintStream progress, boolean terminal) {
        this.options = options;
        this.progress = progress;
        this.terminal = terminal;
    }

    PhaseResult run(String name, Operation operation) throws InterruptedException {
        Recorder recorder = new Recorder(name);
        long start = System.nanoTime();
        recorder.measureFrom = start + options.warmup().toNanos();
        recorder.measureUntil = options.duration() != null ? recorder.measureFrom + options.duration().toNanos() : Long.MAX_VALUE;
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon(name + "-progress"));
        ticker.scheduleAtFixedRate(() -> printProgress(recorder, start), 1, 1, TimeUnit.SECONDS);
        try {
            if (options.openLoop()) {
                runOpenLoop(operation, recorder);
            } else {
                runClosedLoop(operation, recorder);
            }
        } finally {
            ticker.shutdownNow();
            printProgress(recorder, start);
            progress.print(terminal ? "\n" : "");
            progress.flush();
        }
        long end = recorder.lastEnd.get();
        double seconds = Math.max(0, end - recorder.measureFrom) / 1e9;
        return new PhaseResult(name, seconds, recorder.ok.sum(), recorder.failed.sum(), recorder.shed.sum(),
                recorder.overall,
                new TreeMap<>(recorder.byLabel), new TreeMap<>(recorder.byPath), sortedCounts(recorder.results),
                sortedCounts(recorder.errors));
    }

    /** N callers in a loop; each stops starting operations once the duration is over or the count is reached. */
    private void runClosedLoop(Operation operation, Recorder recorder) throws InterruptedException {
        ExecutorService callers = Executors.newFixedThreadPool(options.concurrency(), daemon(recorder.name));
        for (int i = 0; i < options.concurrency(); i++) {
            callers.execute(() -> {
                long startedAt;
                while ((startedAt = recorder.admit()) != 0) {
                    recorder.record(startedAt, operation.run(recorder.seq.getAndIncrement()));
                }
            });
        }
        callers.shutdown();
        callers.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts operations at the fixed rate; an operation's latency counts from its scheduled start, so a stalled
     * system is charged for the requests it made wait (no coordinated omission).
     */
    private void runOpenLoop(Operation operation, Recorder recorder) throws InterruptedException {
        ExecutorService pool = Executors.newCachedThreadPool(daemon(recorder.name));
        long interval = (long) (1e9 / options.rate());
        long next = System.nanoTime();
        while (recorder.admitAt(next)) {
            long scheduled = next;
            long wait;
            while ((wait = scheduled - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            pool.execute(() -> recorder.record(scheduled, operation.run(recorder.seq.getAndIncrement())));
            next += interval;
        }
        pool.shutdown();
        pool.awaitTermination(Long.MAX_VALUE, TimeUnit.NANOSECONDS);
    }

    private void printProgress(Recorder r, long start) {
        long done = r.done.sum();
        long rate = done - r.doneAtLastTick;
        r.doneAtLastTick = done;
        String phase = System.nanoTime() < r.measureFrom ? "warm-up" : "measuring";
        String line = String.format("%-8s %-9s %6.1fs  done %7d  in flight %4d  %6d/s  shed %d  errors %d",
                r.name, phase, (System.nanoTime() - start) / 1e9, done, r.inFlight.get(), rate, r.shed.sum(),
                r.failed.sum());
        progress.print(terminal ? "\r" + line + "   " : line + "\n");
        progress.flush();
    }

    private static Map<String, Long> sortedCounts(Map<String, LongAdder> counts) {
        Map<String, Long> sorted = new TreeMap<>();
        counts.forEach((k, v) -> sorted.put(k, v.sum()));
        return sorted;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread t = new Thread(task, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Shared counters of one phase. */
    private final class Recorder {
        final String name;
        final AtomicLong seq = new AtomicLong();
        final AtomicLong measuredStarts = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong lastEnd = new AtomicLong();
        final LongAdder done = new LongAdder();
        final LongAdder ok = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder shed = new LongAdder();
        final LatencyStats overall = new LatencyStats();
        final Map<String, LatencyStats> byLabel = new ConcurrentHashMap<>();
        final Map<String, LatencyStats> byPath = new ConcurrentHashMap<>();
        final Map<String, LongAdder> results = new ConcurrentHashMap<>();
        final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        volatile long measureFrom;
        volatile long measureUntil;
        volatile long doneAtLastTick;

        Recorder(String name) {
            this.name = name;
        }

        /** For a closed-loop caller: the start time of its next operation, or 0 when the phase is over. */
        long admit() {
            long now = System.nanoTime();
            return admitAt(now) ? now : 0;
        }

        /** True when an operation may start at the given time (warm-up, or within the duration / count). */
        boolean admitAt(long at) {
            if (at < measureFrom) {
                inFlight.incrementAndGet();
                return true;
            }
            if (at >= measureUntil || (options.count() > 0 && measuredStarts.getAndIncrement() >= options.count())) {
                return false;
            }
            inFlight.incrementAndGet();
            return true;
        }

        void record(long startedAt, Outcome outcome) {
            long end = System.nanoTime();
            inFlight.decrementAndGet();
            done.increment();
            if (startedAt < measureFrom) {
                return;
            }
            lastEnd.accumulateAndGet(end, Math::max);
            results.computeIfAbsent(outcome.result(), k -> new LongAdder()).increment();
            if (outcome.isShed()) {
                shed.increment();
                return;
            }
            if (outcome.error() != null) {
                failed.increment();
                errors.computeIfAbsent(outcome.error(), k -> new LongAdder()).increment();
                return;
            }
            ok.increment();
            long latency = end - startedAt;
            overall.add(latency);
            byLabel.computeIfAbsent(outcome.label(), k -> new LatencyStats()).add(latency);
            byPath.computeIfAbsent(outcome.path(), k -> new LatencyStats()).add(latency);
        }
    }
}
