package io.k8saga.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Quarkus test resource that starts a real Kafka broker and the real LRA coordinator (or several, as shards) as
 * processes, under a fresh {@code target/saga-infra-*} directory of the module under test (their logs stay there),
 * and points Camel at them. Use it with {@code @QuarkusTestResource(SagaInfraResource.class)} or
 * {@code @WithTestResource}; in a test profile's {@code testResources()}, the init args {@value #COORDINATORS} and
 * {@value #EXTRA_COORDINATOR_URLS} start several coordinators and list more URLs as coordinators.
 */
public class SagaInfraResource implements QuarkusTestResourceLifecycleManager {

    /** Init arg: how many coordinators to start (shards, each with its own object store); 1 when absent. */
    public static final String COORDINATORS = "coordinators";
    /** Init arg: comma-separated URLs configured as coordinators after the started ones (a test's own server). */
    public static final String EXTRA_COORDINATOR_URLS = "extra-coordinator-urls";

    // The accessors read system properties rather than static fields: Quarkus may load this class in another
    // class loader than the one the test sees, but system properties are one per JVM.
    private static final String BOOTSTRAP_SERVERS_PROPERTY = "saga.testkit.kafka.bootstrap-servers";
    private static final String COORDINATOR_URLS_PROPERTY = "saga.testkit.coordinator-urls";
    private static final String COORDINATOR_PIDS_PROPERTY = "saga.testkit.coordinator-pids";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private int coordinatorCount = 1;
    private List<String> extraCoordinatorUrls = List.of();
    private LocalKafka kafka;
    private final List<LocalCoordinator> coordinators = new ArrayList<>();

    @Override
    public void init(Map<String, String> args) {
        coordinatorCount = Integer.parseInt(args.getOrDefault(COORDINATORS, "1"));
        extraCoordinatorUrls = Arrays.stream(args.getOrDefault(EXTRA_COORDINATOR_URLS, "").split(","))
                .map(String::strip).filter(url -> !url.isEmpty()).toList();
    }

    @Override
    public Map<String, String> start() {
        Path workDir = newWorkDir();
        kafka = LocalKafka.start(workDir.resolve("kafka"));
        try {
            for (int i = 0; i < coordinatorCount; i++) {
                coordinators.add(LocalCoordinator.start(workDir.resolve(i == 0 ? "lra-coordinator"
                        : "lra-coordinator-" + i)));
            }
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        List<String> urls = coordinators.stream().map(LocalCoordinator::url).toList();
        System.setProperty(BOOTSTRAP_SERVERS_PROPERTY, kafka.bootstrapServers());
        System.setProperty(COORDINATOR_URLS_PROPERTY, String.join(",", urls));
        System.setProperty(COORDINATOR_PIDS_PROPERTY, String.join(",",
                coordinators.stream().map(c -> String.valueOf(c.pid())).toList()));
        return Map.of(
                "camel.component.kafka.brokers", kafka.bootstrapServers(),
                "camel.lra.coordinator-url", String.join(",",
                        Stream.concat(urls.stream(), extraCoordinatorUrls.stream()).toList()));
    }

    @Override
    public void stop() {
        System.clearProperty(BOOTSTRAP_SERVERS_PROPERTY);
        System.clearProperty(COORDINATOR_URLS_PROPERTY);
        System.clearProperty(COORDINATOR_PIDS_PROPERTY);
        coordinators.forEach(LocalCoordinator::stop);
        coordinators.clear();
        if (kafka != null) {
            kafka.stop();
        }
    }

    /** The running broker's {@code bootstrap.servers}, for tests that produce or consume with plain kafka-clients. */
    public static String bootstrapServers() {
        return running(BOOTSTRAP_SERVERS_PROPERTY);
    }

    /** The (first) running coordinator's base URL, e.g. to start or inspect LRAs directly. */
    public static String coordinatorUrl() {
        return coordinatorUrls().get(0);
    }

    /** The base URLs of the coordinators this resource started, in the order they are configured. */
    public static List<String> coordinatorUrls() {
        return List.of(running(COORDINATOR_URLS_PROPERTY).split(","));
    }

    /** Stops coordinator number {@code index} (from 0) and waits until its process is gone; its port then refuses. */
    public static void stopCoordinator(int index) {
        long pid = Long.parseLong(running(COORDINATOR_PIDS_PROPERTY).split(",")[index]);
        ProcessHandle.of(pid).ifPresent(process -> {
            process.destroy();
            try {
                process.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("coordinator " + index + " (pid " + pid + ") did not stop", e);
            }
        });
    }

    private static String running(String property) {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("SagaInfraResource is not running: annotate the test class with "
                    + "@QuarkusTestResource(SagaInfraResource.class)");
        }
        return value;
    }

    private static Path newWorkDir() {
        try {
            return Files.createTempDirectory(Files.createDirectories(Path.of("target")), "saga-infra-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory under target/", e);
        }
    }
}
