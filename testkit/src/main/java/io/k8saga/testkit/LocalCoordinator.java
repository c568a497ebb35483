package io.k8saga.testkit;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real Narayana LRA coordinator (this repository's lra-coordinator module, a Quarkus app) in its own process,
 * with its object store in a directory of its own.
 */
public final class LocalCoordinator implements AutoCloseable {

    /** Set by the parent pom's surefire configuration. */
    public static final String JAR_PROPERTY = "saga.coordinator.jar";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final ManagedProcess coordinator;
    private final int port;

    private LocalCoordinator(ManagedProcess coordinator, int port) {
        this.coordinator = coordinator;
        this.port = port;
    }

    /** Starts the coordinator with its object store under {@code dir}; returns once its API answers. */
    public static LocalCoordinator start(Path dir) {
        // Absolute: the coordinator runs in workDir, where relative paths would resolve differently.
        Path workDir = dir.toAbsolutePath();
        Path jar = coordinatorJar();
        int port = FreePorts.pick();
        String objectStore = workDir.resolve("ObjectStore").toString();
        ManagedProcess coordinator = ManagedProcess.start("lra-coordinator", List.of(
                ManagedProcess.javaLauncher(),
                "-Dquarkus.http.port=" + port,
                "-DObjectStoreEnvironmentBean.objectStoreDir=" + objectStore,
                "-DObjectStoreEnvironmentBean.communicationStore.objectStoreDir=" + objectStore,
                // The coordinator accepts requests once its first recovery scan is done; that waits this long.
                "-DRecoveryEnvironmentBean.recoveryBackoffPeriod=1",
                "-jar", jar.toString()), Map.of(), workDir);
        LocalCoordinator started = new LocalCoordinator(coordinator, port);
        coordinator.awaitHttp(URI.create(started.url() + "/lra-coordinator"), START_TIMEOUT);
        return started;
    }

    /** The base URL, as {@code camel.lra.coordinator-url} expects it (LRA ids start with it). */
    public String url() {
        return "http://localhost:" + port;
    }

    /** The operating system's id of the coordinator's process. */
    public long pid() {
        return coordinator.pid();
    }

    public void stop() {
        coordinator.stop();
    }

    @Override
    public void close() {
        stop();
    }

    private static Path coordinatorJar() {
        String configured = System.getProperty(JAR_PROPERTY);
        if (configured != null && Files.isRegularFile(Path.of(configured))) {
            return Path.of(configured).toAbsolutePath();
        }
        throw new IllegalStateException("LRA coordinator jar not found at " + configured + " (system property "
                + JAR_PROPERTY + ", set by the parent pom's surefire configuration): run ./mvnw -pl lra-coordinator "
                + "package first");
    }
}
