package io.k8saga.e2e.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The settings of one bench run, read from the command line with the environment as fallback, so that
 * {@code ./saga bench} can hand over the stack's ports, state directory and API token without repeating them as
 * flags. Pure: no I/O, so the rules are unit-tested.
 *
 * <p>{@code token} is the bearer token sent with every public API request; it comes from {@code SAGA_TOKEN} only,
 * never from a flag, so that it shows in no process list.
 */
public record BenchOptions(
        String baseUrl,
        String coordinatorUrl,
        int concurrency,
        double rate,
        Duration duration,
        long count,
        Mix mix,
        Duration warmup,
        boolean ceiling,
        Path resultsDir,
        Path sagaHome,
        Duration orderTimeout,
        Duration pollInterval,
        String callbackHost,
        String token) {

    public static final String USAGE = """
            Usage: ./saga bench [options]   (java io.k8saga.e2e.bench.SagaBench [options])
              --base-url URL        public API (SAGA_BASE_URL, else http://localhost:$SAGA_GATEWAY_PORT or 8080)
              --coordinator URL     LRA coordinator for the ceiling probe (SAGA_COORDINATOR_URL,
                                    else http://localhost:$SAGA_COORDINATOR_PORT or 8090)
              --concurrency N       closed loop: N callers, each waits for its saga to end (8)
              --rate R              open loop: start R sagas per second whatever is in flight
              --duration D          measured time, e.g. 20s, 500ms, 2m (20s)
              --count N             measure N sagas instead of a duration
              --mix M               outcome mix, e.g. approve=90,credit=5,decline=5 (that one)
              --warmup D            unmeasured load before each phase (5s)
              --no-ceiling          skip the bare LRA ceiling probe
              --results DIR         where bench-<timestamp>.json goes (SAGA_BENCH_DIR, else $SAGA_HOME/bench)
              --order-timeout D     an order still PENDING after this is an error (40s)
              --poll D              GET /api/orders/{id} interval while waiting, if the service ignores Prefer: wait (10ms)
              --callback-host H     host the coordinator uses to reach the probe's callbacks (127.0.0.1)
            SAGA_HOME (the stack's state directory) locates the pid files used for RSS and CPU figures.
            SAGA_TOKEN (required) is the bearer token sent with every public API request: ./saga bench sets a fresh
            admin token of the local stack; against another API (--base-url) set one that API accepts.
            """;

    private static final Set<String> VALUE_OPTIONS = Set.of("--base-url", "--coordinator", "--concurrency", "--rate",
            "--duration", "--count", "--mix", "--warmup", "--results", "--order-timeout", "--poll", "--callback-host");

    /** Parses {@code --name value} or {@code --name=value} options; unknown or malformed ones throw. */
    public static BenchOptions parse(List<String> args, Map<String, String> env) {
        Path sagaHome = Path.of(env.getOrDefault("SAGA_HOME", ".saga")).toAbsolutePath();
        String token = env.getOrDefault("SAGA_TOKEN", "").trim();
        if (token.isEmpty()) {
            throw new IllegalArgumentException("SAGA_TOKEN is not set: the public API needs a bearer token"
                    + " (./saga bench sets a fresh admin token; against another API, set SAGA_TOKEN to one it accepts)");
        }
        String baseUrl = env.getOrDefault("SAGA_BASE_URL",
                "http://localhost:" + env.getOrDefault("SAGA_GATEWAY_PORT", "8080"));
        String coordinatorUrl = env.getOrDefault("SAGA_COORDINATOR_URL",
                "http://localhost:" + env.getOrDefault("SAGA_COORDINATOR_PORT", "8090"));
        Integer concurrency = null;
        Double rate = null;
        Duration duration = null;
        Long count = null;
        Mix mix = Mix.parse("approve=90,credit=5,decline=5");
        Duration warmup = Duration.ofSeconds(5);
        boolean ceiling = true;
        String results = env.get("SAGA_BENCH_DIR");
        Duration orderTimeout = Duration.ofSeconds(40);
        Duration poll = Duration.ofMillis(10);
        String callbackHost = "127.0.0.1";

        List<String> rest = new ArrayList<>(args);
        while (!rest.isEmpty()) {
            String arg = rest.remove(0);
            String name = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            if (name.equals("--no-ceiling")) {
                ceiling = false;
                continue;
            }
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            if (!VALUE_OPTIONS.contains(name)) {
                throw new IllegalArgumentException("unknown option " + name);
            }
            if (inline == null && rest.isEmpty()) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = inline != null ? inline : rest.remove(0);
            switch (name) {
                case "--base-url" -> baseUrl = value;
                case "--coordinator" -> coordinatorUrl = value;
                case "--concurrency" -> concurrency = positiveInt(name, value);
                case "--rate" -> rate = positiveDouble(name, value);
                case "--duration" -> duration = parseDuration(name, value);
                case "--count" -> count = (long) positiveInt(name, value);
                case "--mix" -> mix = Mix.parse(value);
                case "--warmup" -> warmup = parseDuration(name, value);
                case "--results" -> results = value;
                case "--order-timeout" -> orderTimeout = parseDuration(name, value);
                case "--poll" -> poll = parseDuration(name, value);
                case "--callback-host" -> callbackHost = value;
                default -> throw new IllegalStateException("option " + name + " is listed but not handled");
            }
        }
        if (concurrency != null && rate != null) {
            throw new IllegalArgumentException("give either --concurrency (closed loop) or --rate (open loop)");
        }
        if (duration != null && count != null) {
            throw new IllegalArgumentException("give either --duration or --count");
        }
        if (orderTimeout.isZero() || poll.isZero()) {
            throw new IllegalArgumentException("--order-timeout and --poll must be more than 0");
        }
        return new BenchOptions(stripSlash(baseUrl), stripSlash(coordinatorUrl),
                rate == null ? (concurrency == null ? 8 : concurrency) : 0, rate == null ? 0 : rate,
                count == null && duration == null ? Duration.ofSeconds(20) : duration, count == null ? 0 : count,
                mix, warmup, ceiling, results == null ? sagaHome.resolve("bench") : Path.of(results).toAbsolutePath(),
                sagaHome, orderTimeout, poll, callbackHost, token);
    }

    /** The value of the Authorization header of every public API request. */
    public String authorization() {
        return "Bearer " + token;
    }

    /** Like the record's own, but without the token, which must not end up in a log or a report. */
    @Override
    public String toString() {
        return "BenchOptions[baseUrl=" + baseUrl + ", coordinatorUrl=" + coordinatorUrl + ", " + loadShape()
                + ", ceiling=" + ceiling + ", resultsDir=" + resultsDir + ", orderTimeout=" + format(orderTimeout)
                + ", poll=" + format(pollInterval) + ", callbackHost=" + callbackHost + ", token=(hidden)]";
    }

    /** True in open loop mode (a fixed start rate instead of a fixed number of callers). */
    public boolean openLoop() {
        return rate > 0;
    }

    /** One line describing the load shape, for the table and the progress line. */
    public String loadShape() {
        String shape = openLoop() ? "rate " + rate + "/s" : "concurrency " + concurrency;
        String amount = duration != null ? "duration " + format(duration) : "count " + count;
        return shape + ", " + amount + ", warmup " + format(warmup) + ", mix " + mix;
    }

    /** Reads {@code 20s}, {@code 500ms}, {@code 2m}, or a bare number of seconds. */
    public static Duration parseDuration(String name, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return nonNegative(name, Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))));
            }
            if (v.endsWith("s")) {
                return nonNegative(name, Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000)));
            }
            if (v.endsWith("m")) {
                return nonNegative(name, Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60));
            }
            return nonNegative(name, Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " takes a duration like 20s, 500ms or 2m (got '" + value + "')");
        }
    }

    /** Formats a duration the way parseDuration reads it. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static Duration nonNegative(String name, Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
        return d;
    }

    private static int positiveInt(String name, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the common message
        }
        throw new IllegalArgumentException(name + " takes a whole number above 0 (got '" + value + "')");
    }

    private static double positiveDouble(String name, String value) {
        try {
            double n = Double.parseDouble(value.trim());
            if (n > 0 && Double.isFinite(n)) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through to the common message
        }
        throw new IllegalArgumentException(name + " takes a number above 0 (got '" + value + "')");
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
