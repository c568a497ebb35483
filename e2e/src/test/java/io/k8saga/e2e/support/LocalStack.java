package io.k8saga.e2e.support;

import io.k8saga.testkit.ApiTokens;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole system on this machine, run by the same launcher a developer uses: {@code ./saga up} with its own
 * SAGA_HOME (e2e/target/saga-stack) and its own ports (gateway on {@code -De2e.portBase}, default 18080, the others
 * above it), so a developer's stack on the default ports can keep running.
 * SAGA_DB and SAGA_PG_* pass through from the environment, so the same suite runs on H2 or PostgreSQL.
 * With {@code -De2e.stack=chart} the four applications run with the environment the Helm chart renders for them
 * instead (written to e2e/target/saga-stack-env, passed as SAGA_ENV_DIR), which proves the chart's wiring.
 */
public final class LocalStack {

    /** The issuer of ./saga's tokens ({@code ./saga token}); the chart-driven run renders the chart with it too. */
    static final String TOKEN_ISSUER = "saga-local";
    private static final String TOKEN_AUDIENCE = "saga";
    private static final Duration SAGA_TIMEOUT = Settings.localSagaTimeout();
    private static final Duration COMMAND_LIMIT = Duration.ofMinutes(15);

    private final Path repoRoot;
    private final Path sagaHome;
    private final Path transcript;
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** In the chart-driven run, the coordinator shards the chart renders (set when the environment is written). */
    private int chartShards;

    private LocalStack(Path repoRoot, Path sagaHome) {
        this.repoRoot = repoRoot;
        this.sagaHome = sagaHome;
        this.transcript = sagaHome.resolveSibling(sagaHome.getFileName() + "-commands.log");
    }

    /** Starts a fresh stack (whatever a previous run left is stopped and purged first) and waits until it is up. */
    static LocalStack start() {
        LocalStack stack = new LocalStack(Settings.repoRoot(), Settings.sagaHome());
        // The key pair ./saga up would make, made first so the chart-driven run can render its public half.
        stack.saga("keys");
        if (Settings.chartDriven()) {
            stack.writeChartEnvironment(ApiTokens.publicKeyOfPemFile(stack.tokenKey("public")));
        }
        stack.saga("down", "--purge");
        try {
            stack.saga("up");
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "saga-stack-shutdown"));
        return stack;
    }

    public URI baseUrl() {
        return URI.create("http://localhost:" + Settings.portBase());
    }

    public Duration sagaTimeout() {
        return SAGA_TIMEOUT;
    }

    /** Tokens signed with the stack's key, as {@code ./saga token} signs them. */
    public ApiTokens tokens() {
        return ApiTokens.fromPemFile(tokenKey("private"), TOKEN_ISSUER, TOKEN_AUDIENCE);
    }

    private Path tokenKey(String half) {
        return sagaHome.resolve("secrets/jwt-" + half + ".pem");
    }

    /**
     * Runs {@code ./saga <args>} against this stack and waits for it; its output goes to this JVM's stdout and to
     * e2e/target/saga-stack-commands.log. Fails when the command fails.
     */
    public void saga(String... args) {
        List<String> command = new ArrayList<>(List.of("bash", repoRoot.resolve("saga").toString()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(sagaHome.getParent());
            Path output = Files.createTempFile(sagaHome.getParent(), "saga-", ".out");
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(repoRoot.toFile())
                    .redirectErrorStream(true)
                    // A file, not a pipe: nothing the stack leaves running can hold this JVM's stdout open.
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().putAll(environment());
            builder.environment().remove("SAGA_BASE_URL");
            int exit = run(builder, output, String.join(" ", args));
            if (exit != 0) {
                throw new IllegalStateException("./saga " + String.join(" ", args) + " exited with " + exit
                        + "; see the output above and the logs in " + sagaHome.resolve("logs"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run ./saga " + String.join(" ", args), e);
        }
    }

    /** The process id of a running component, as ./saga recorded it. */
    public long pid(String component) {
        try {
            return Long.parseLong(Files.readString(sagaHome.resolve("pids/" + component + ".pid")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("no pid recorded for " + component, e);
        }
    }

    /**
     * How many coordinator shards ./saga runs: SAGA_COORDINATORS from this JVM's environment (./saga's default, 2),
     * and in the chart-driven run as many as the chart renders (lraCoordinator.replicas).
     */
    public int coordinators() {
        return Settings.chartDriven() ? chartShards
                : Integer.parseInt(System.getenv().getOrDefault("SAGA_COORDINATORS", "2"));
    }

    /**
     * The base URL of coordinator shard {@code shard} (lra-coordinator-<shard>), as the routes know it: ./saga's
     * localhost URL, or in the chart-driven run the pod's DNS name mapped to this machine.
     */
    public String coordinatorUrl(int shard) {
        String host = Settings.chartDriven() ? "127.0.0.1" : "localhost";
        return "http://" + host + ":" + (portOf("lra-coordinator") + shard);
    }

    /** The checkout the stack runs from (where {@code ./saga} is). */
    public Path repoRoot() {
        return repoRoot;
    }

    /** The base URL of a route service itself (order-route, credit-route, payment-route), not behind the gateway. */
    public URI serviceUrl(String route) {
        return URI.create("http://127.0.0.1:" + portOf(route));
    }

    /** The Kafka broker's bootstrap address, for tests that act on consumer groups. */
    public String kafkaBootstrap() {
        return "127.0.0.1:" + portOf("kafka");
    }

    /** Restarts the PostgreSQL server of {@code .ci/postgres.sh} (SAGA_PG_PORT), on its data. */
    public void restartPostgres() {
        try {
            Process restart = new ProcessBuilder("bash", repoRoot.resolve(".ci/postgres.sh").toString(), "restart")
                    .directory(repoRoot.toFile())
                    .inheritIO()
                    .start();
            if (!restart.waitFor(2, TimeUnit.MINUTES) || restart.exitValue() != 0) {
                restart.destroyForcibly();
                throw new IllegalStateException(".ci/postgres.sh restart failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart PostgreSQL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting PostgreSQL", e);
        }
    }

    /** Starts nginx in front of this stack's routes, as the cluster's ingress controller stands in front of them. */
    EdgeProxy startEdgeProxy() {
        return EdgeProxy.start(repoRoot, sagaHome.resolveSibling("edge-proxy"), portOf("edge-proxy"),
                component -> URI.create("http://127.0.0.1:" + portOf(component)));
    }

    /** Stops the stack and keeps its data and logs for a look after the run (unless -De2e.keepStack=true). */
    public void close() {
        if (Settings.keepStack()) {
            System.out.println("[saga] -De2e.keepStack=true: the stack keeps running; stop it with SAGA_HOME="
                    + sagaHome + " ./saga down");
            return;
        }
        if (stopped.compareAndSet(false, true)) {
            saga("down");
        }
    }

    /**
     * Renders the chart and writes the environment of each process that stands for one of its pods (a route, a
     * coordinator shard on the coordinator port + its ordinal), with this stack's ports, to SAGA_ENV_DIR.
     */
    private void writeChartEnvironment(String tokenPublicKey) {
        String pgHost = System.getenv().getOrDefault("SAGA_PG_HOST", "localhost");
        String pgPort = System.getenv().getOrDefault("SAGA_PG_PORT", "5432");
        Map<String, String> local = new LinkedHashMap<>();
        for (String component : List.of("order-route", "credit-route", "payment-route", "lra-coordinator", "kafka")) {
            local.put(component, "127.0.0.1:" + portOf(component));
        }
        local.put("postgresql", pgHost + ":" + pgPort);
        ChartEnvironment chart = ChartEnvironment.render(repoRoot, local, sagaHome.resolve("data"),
                SAGA_TIMEOUT.toSeconds() + "s", System.getenv().getOrDefault("SAGA_PG_PASSWORD", "saga"),
                TOKEN_ISSUER, tokenPublicKey);
        chart.writeTo(envDir());
        chartShards = chart.coordinatorShards();
    }

    private Path envDir() {
        return sagaHome.resolveSibling(sagaHome.getFileName() + "-env");
    }

    /** The environment of every ./saga command run for this stack (on top of this JVM's own). */
    Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SAGA_HOME", sagaHome.toString());
        env.put("SAGA_BUILD", "never");
        env.put("SAGA_GATEWAY_PORT", String.valueOf(portOf("gateway")));
        env.put("SAGA_ORDER_PORT", String.valueOf(portOf("order-route")));
        env.put("SAGA_CREDIT_PORT", String.valueOf(portOf("credit-route")));
        env.put("SAGA_PAYMENT_PORT", String.valueOf(portOf("payment-route")));
        env.put("SAGA_COORDINATOR_PORT", String.valueOf(portOf("lra-coordinator")));
        env.put("SAGA_KAFKA_PORT", String.valueOf(portOf("kafka")));
        env.put("SAGA_KAFKA_CONTROLLER_PORT", String.valueOf(portOf("kafka-controller")));
        env.put("SAGA_TIMEOUT", SAGA_TIMEOUT.toSeconds() + "s");
        // Pages of two changes, so that OrderEventsIT's replays span several pages.
        env.put("SAGA_ORDERS_EVENTS_PAGE_SIZE", "2");
        if (Settings.chartDriven()) {
            env.put("SAGA_ENV_DIR", envDir().toString());
        }
        return env;
    }

    /** The port of each component of this stack: the gateway on {@code e2e.portBase}, the others above it. */
    private static int portOf(String component) {
        int offset = switch (component) {
            case "gateway" -> 0;
            case "order-route" -> 1;
            case "credit-route" -> 2;
            case "payment-route" -> 3;
            case "edge-proxy" -> 5;
            case "lra-coordinator" -> 10;
            case "kafka" -> 1012;
            case "kafka-controller" -> 1013;
            default -> throw new IllegalArgumentException("no port for " + component);
        };
        return Settings.portBase() + offset;
    }

    private int run(ProcessBuilder builder, Path output, String label) throws IOException {
        Process process = builder.start();
        try {
            if (!process.waitFor(COMMAND_LIMIT.toMinutes(), TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("./saga " + label + " did not finish within " + COMMAND_LIMIT);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running ./saga " + label, e);
        } finally {
            report(output, label);
        }
    }

    private void report(Path output, String label) throws IOException {
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        String block = "$ ./saga " + label + "\n" + text;
        System.out.print(block.lines().map(line -> "[saga] " + line + "\n").reduce("", String::concat));
        Files.writeString(transcript, block, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
