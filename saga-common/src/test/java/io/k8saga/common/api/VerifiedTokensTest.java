package io.k8saga.common.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class VerifiedTokensTest {

    private static final Instant START = Instant.parse("2026-12-04T06:00:00Z");

    private final MovableClock clock = new MovableClock(START);
    private final VerifiedTokens tokens = new VerifiedTokens(clock);
    private final Caller alice = Caller.customer("alice", "c-1");

    @Test
    void aTokenNotVerifiedBeforeMustBeVerified() {
        assertThat(tokens.callerOf("t1")).isEmpty();
    }

    @Test
    void aVerifiedTokenNamesItsCallerWithinTheMaximumAge() {
        tokens.remember("t1", alice, START.plus(Duration.ofHours(1)).getEpochSecond());
        clock.advance(VerifiedTokens.MAX_AGE.minusSeconds(1));

        assertThat(tokens.callerOf("t1")).contains(alice);
        assertThat(tokens.callerOf("t2")).isEmpty();
    }

    @Test
    void aVerifiedTokenIsVerifiedAgainAfterTheMaximumAge() {
        tokens.remember("t1", alice, START.plus(Duration.ofHours(1)).getEpochSecond());
        clock.advance(VerifiedTokens.MAX_AGE);

        assertThat(tokens.callerOf("t1")).isEmpty();
    }

    @Test
    void anEntryNeverOutlivesItsTokensExpiry() {
        tokens.remember("t1", alice, START.plusSeconds(10).getEpochSecond());
        clock.advance(Duration.ofSeconds(9));
        assertThat(tokens.callerOf("t1")).contains(alice);

        clock.advance(Duration.ofSeconds(1));
        assertThat(tokens.callerOf("t1")).isEmpty();
    }

    @Test
    void anExpiredTokenIsNotRemembered() {
        tokens.remember("t1", alice, START.getEpochSecond());

        assertThat(tokens.callerOf("t1")).isEmpty();
    }

    /** A clock the test moves forward. */
    private static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
