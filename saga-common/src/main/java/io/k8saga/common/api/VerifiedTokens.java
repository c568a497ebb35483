package io.k8saga.common.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The callers of bearer tokens verified in the last minute, by the token's exact text. A client sends the same token
 * with every request, and checking its RSA signature again each time was a sixth of order-route's CPU under load.
 * An entry never outlives its token's expiry, and lasts at most {@link #MAX_AGE}, so a key taken out of service stops
 * admitting its tokens within that time.
 */
final class VerifiedTokens {

    static final Duration MAX_AGE = Duration.ofSeconds(60);
    /** Enough for every client of a busy instance; each entry is about one token's size. */
    static final int MAX_ENTRIES = 4096;

    private record Verified(Caller caller, Instant validUntil) {
    }

    private final Cache<String, Verified> cache;
    private final Clock clock;

    VerifiedTokens(Clock clock) {
        this.clock = clock;
        this.cache = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterWrite(MAX_AGE).build();
    }

    /** The caller of a token verified before and still valid, or empty: then verify it. */
    Optional<Caller> callerOf(String token) {
        Verified verified = cache.getIfPresent(token);
        if (verified == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(verified.validUntil())) {
            cache.invalidate(token);
            return Optional.empty();
        }
        return Optional.of(verified.caller());
    }

    /** Remembers that a token was verified just now and names this caller, until it expires ({@code exp}). */
    void remember(String token, Caller caller, long expiresAtEpochSecond) {
        Instant now = clock.instant();
        Instant expiry = Instant.ofEpochSecond(expiresAtEpochSecond);
        Instant validUntil = expiry.isBefore(now.plus(MAX_AGE)) ? expiry : now.plus(MAX_AGE);
        if (now.isBefore(validUntil)) {
            cache.put(token, new Verified(caller, validUntil));
        }
    }
}
