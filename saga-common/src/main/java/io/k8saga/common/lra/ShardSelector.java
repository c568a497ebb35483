package io.k8saga.common.lra;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which coordinator a new saga starts on: the shards in turn (round robin), leaving out for {@code backoff} one whose
 * start failed or timed out, so that a dead or frozen shard costs one failed start, not one per saga. When every
 * shard is left out, the one that failed longest ago is tried alone, so one that came back is found at once and a
 * start costs at most one time limit.
 */
final class ShardSelector {

    private final List<String> shards;
    private final Duration backoff;
    private final Clock clock;
    private final AtomicInteger turn = new AtomicInteger();
    private final Map<String, Instant> pausedUntil = new ConcurrentHashMap<>();

    ShardSelector(List<String> shards, Duration backoff, Clock clock) {
        this.shards = List.copyOf(shards);
        this.backoff = backoff;
        this.clock = clock;
    }

    /** The shards to try for one new saga, in order: the next in turn first, the others after it. */
    List<String> order() {
        Instant now = clock.instant();
        int first = Math.floorMod(turn.getAndIncrement(), shards.size());
        List<String> ready = new ArrayList<>();
        for (int i = 0; i < shards.size(); i++) {
            String shard = shards.get((first + i) % shards.size());
            if (!pausedUntil.getOrDefault(shard, Instant.MIN).isAfter(now)) {
                ready.add(shard);
            }
        }
        if (!ready.isEmpty()) {
            return ready;
        }
        return List.of(shards.stream()
                .min(Comparator.comparing(shard -> pausedUntil.getOrDefault(shard, Instant.MIN))).orElseThrow());
    }

    /** A start on {@code shard} failed or timed out: leave it out for a while. */
    void failed(String shard) {
        pausedUntil.put(shard, clock.instant().plus(backoff));
    }

    /** A start on {@code shard} worked: it is in the turn again. */
    void succeeded(String shard) {
        pausedUntil.remove(shard);
    }
}
