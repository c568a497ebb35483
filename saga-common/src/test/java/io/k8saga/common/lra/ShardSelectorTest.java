package io.k8saga.common.lra;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Round robin over the shards, and the back-off of a shard whose start failed, on a clock the test moves. */
class ShardSelectorTest {

    private static final Duration BACKOFF = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final ShardSelector selector = new ShardSelector(List.of("a", "b", "c"), BACKOFF, clock);

    @Test
    void eachStartBeginsWithTheNextShardAndFallsBackOnTheOthers() {
        assertThat(selector.order()).containsExactly("a", "b", "c");
        assertThat(selector.order()).containsExactly("b", "c", "a");
        assertThat(selector.order()).containsExactly("c", "a", "b");
        assertThat(selector.order()).containsExactly("a", "b", "c");
    }

    @Test
    void aShardWhoseStartFailedIsLeftOutUntilItsBackoffIsOver() {
        selector.failed("b");

        assertThat(selector.order()).containsExactly("a", "c");
        assertThat(selector.order()).containsExactly("c", "a");
        clock.advance(BACKOFF.minusMillis(1));
        assertThat(selector.order()).containsExactly("c", "a");
        clock.advance(Duration.ofMillis(1));
        assertThat(selector.order()).containsExactly("a", "b", "c");
    }

    @Test
    void aNewFailureStartsTheBackoffAgainAndASuccessEndsIt() {
        selector.failed("a");
        clock.advance(Duration.ofSeconds(8));
        selector.failed("a");
        clock.advance(Duration.ofSeconds(8));
        assertThat(selector.order()).doesNotContain("a");

        selector.succeeded("a");
        assertThat(selector.order()).contains("a");
    }

    @Test
    void whenEveryShardIsLeftOutTheOneThatFailedLongestAgoIsTriedAlone() {
        selector.failed("b");
        clock.advance(Duration.ofSeconds(1));
        selector.failed("c");
        clock.advance(Duration.ofSeconds(1));
        selector.failed("a");

        assertThat(selector.order()).containsExactly("b");
        selector.failed("b");
        assertThat(selector.order()).containsExactly("c");
    }

    @Test
    void aSingleShardIsAlwaysTried() {
        ShardSelector single = new ShardSelector(List.of("only"), BACKOFF, clock);
        single.failed("only");

        assertThat(single.order()).containsExactly("only");
    }

    /** A clock that stands still until the test moves it. */
    private static final class ManualClock extends Clock {

        private Instant now = Instant.parse("2026-12-03T10:00:00Z");

        void advance(Duration step) {
            now = now.plus(step);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }
}
