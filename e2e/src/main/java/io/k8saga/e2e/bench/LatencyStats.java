package io.k8saga.e2e.bench;

import java.util.Arrays;

/**
 * Latencies of one group of operations, in nanoseconds, and their nearest-rank percentiles. Every sample is
 * kept (a 20 s run at a few hundred per second is a few thousand longs), so the percentiles are exact rather
 * than bucketed. Thread-safe for adding; read it once the load has stopped.
 */
public final class LatencyStats {

    private long[] samples = new long[1024];
    private int size;

    public synchronized void add(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    public synchronized int count() {
        return size;
    }

    /** The samples, sorted ascending. */
    public synchronized long[] sorted() {
        long[] copy = Arrays.copyOf(samples, size);
        Arrays.sort(copy);
        return copy;
    }

    /**
     * The nearest-rank percentile of ascending samples: the smallest sample such that at least p % of all samples
     * are at or below it (p50 of 1..10 is 5, p99 of 1..100 is 99, p100 is the max); 0 when there is none.
     */
    public static long percentile(long[] ascending, double p) {
        if (p < 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be within 0..100 (got " + p + ")");
        }
        if (ascending.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * ascending.length);
        return ascending[Math.max(rank, 1) - 1];
    }
}
