package io.k8saga.order.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code wait} preference of a {@code Prefer} request header (RFC 7240): how many seconds the client is willing
 * to wait for an answer. As the RFC asks, a preference that cannot be read is ignored rather than refused.
 */
public final class WaitPreference {

    /** Longest wait granted: below the time-outs of the gateway (30 s) and of common proxies (60 s). */
    public static final Duration MAX_WAIT = Duration.ofSeconds(20);

    // wait=<delta-seconds>, optionally quoted, as one of the comma-separated preferences.
    private static final Pattern WAIT = Pattern.compile("(?:^|,)\\s*wait\\s*=\\s*\"?(\\d{1,18})\"?\\s*(?:;[^,]*)?(?:,|$)");

    private WaitPreference() {
    }

    /** The wait asked for in {@code prefer}, capped at {@link #MAX_WAIT}; empty when none is asked for. */
    public static Optional<Duration> of(String prefer) {
        if (prefer == null) {
            return Optional.empty();
        }
        Matcher wait = WAIT.matcher(prefer.toLowerCase(Locale.ROOT));
        if (!wait.find()) {
            return Optional.empty();
        }
        Duration asked = Duration.ofSeconds(Long.parseLong(wait.group(1)));
        return Optional.of(asked.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : asked);
    }

    /** The {@code Preference-Applied} value for a granted wait. */
    public static String applied(Duration wait) {
        return "wait=" + wait.toSeconds();
    }
}
