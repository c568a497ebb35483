package io.k8saga.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Quarkus test resource that starts a real Kafka broker and the real LRA coordinator as processes, under a fresh
 * {@code target/saga-infra-*} directory of the module under test (their logs stay there), and points Camel at them.
 * Use it with {@code @QuarkusTestResource(SagaInfraResource.class)} or {@code @WithTestResource}.
 */
public class SagaInfraResource implements QuarkusTestResourceLifecycleManager {

    // The accessors read system properties rather than static fields: Quarkus may load this class in another
    // class loader than the one the test sees, but system properties are one per JVM.
    private static final String BOOTSTRAP_SERVERS_PROPERTY = "saga.testkit.kafka.bootstrap-servers";
    private static final String COORDINATOR_URL_PROPERTY = "saga.testkit.coordinator-url";

    private LocalKafka kafka;
    private LocalCoordinator coordinator;

    @Override
    public Map<String, String> start() {
        Path workDir = newWorkDir();
        kafka = LocalKafka.start(workDir.resolve("kafka"));
        try {
            coordinator = LocalCoordinator.start(workDir.resolve("lra-coordinator"));
        } catch (RuntimeException e) {
            kafka.stop();
            throw e;
        }
        System.setProperty(BOOTSTRAP_SERVERS_PROPERTY, kafka.bootstrapServers());
        System.setProperty(COORDINATOR_URL_PROPERTY, coordinator.url());
        return Map.of(
                "camel.component.kafka.brokers", kafka.bootstrapServers(),
                "camel.lra.coordinator-url", coordinator.url());
    }

    @Override
    public void stop() {
        System.clearProperty(BOOTSTRAP_SERVERS_PROPERTY);
        System.clearProperty(COORDINATOR_URL_PROPERTY);
        if (coordinator != null) {
            coordinator.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    /** The running broker's {@code bootstrap.servers}, for tests that produce or consume with plain kafka-clients. */
    public static String bootstrapServers() {
        return running(BOOTSTRAP_SERVERS_PROPERTY);
    }

    /** The running coordinator's base URL, e.g. to start or inspect LRAs directly. */
    public static String coordinatorUrl() {
        return running(COORDINATOR_URL_PROPERTY);
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
