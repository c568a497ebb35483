package io.k8saga.coordinator;

import io.k8saga.testkit.FreePorts;
import io.k8saga.testkit.ManagedProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The packaged coordinator (this module's build) run as a process of its own on a free port, for the ITs. */
final class CoordinatorProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final ManagedProcess process;
    private final int port;

    private CoordinatorProcess(ManagedProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts it on {@code port} (a {@link FreePorts#pick()}) with its object store under {@code dir}, the given extra
     * system properties ("-Dname=value") and environment, and waits until it answers.
     */
    static CoordinatorProcess start(Path dir, int port, List<String> properties, Map<String, String> env) {
        String store = dir.resolve("ObjectStore").toString();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dquarkus.http.port=" + port,
                "-DObjectStoreEnvironmentBean.objectStoreDir=" + store,
                "-DObjectStoreEnvironmentBean.communicationStore.objectStoreDir=" + store,
                "-DRecoveryEnvironmentBean.recoveryBackoffPeriod=1"));
        command.addAll(properties);
        command.addAll(List.of("-jar", System.getProperty("saga.coordinator.jar")));
        CoordinatorProcess coordinator = new CoordinatorProcess(
                ManagedProcess.start("lra-coordinator", command, env, dir), port);
        coordinator.process.awaitHttp(URI.create(coordinator.url("localhost") + "/lra-coordinator"),
                Duration.ofSeconds(60));
        return coordinator;
    }

    /** Its base URL through {@code host}. */
    String url(String host) {
        return "http://" + host + ":" + port;
    }

    /** Starts an LRA through {@code host} and returns its id (the Location of the 201). */
    String startLra(String host, String clientId) throws Exception {
        return startLra(host, clientId, Duration.ofSeconds(30));
    }

    /** Starts an LRA with the given time limit through {@code host} and returns its id. */
    String startLra(String host, String clientId, Duration timeLimit) throws Exception {
        HttpResponse<String> started = send(HttpRequest.newBuilder(URI.create(url(host)
                + "/lra-coordinator/start?ClientID=" + clientId + "&TimeLimit=" + timeLimit.toMillis()))
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (started.statusCode() != 201) {
            throw new IllegalStateException("start answered " + started.statusCode() + ": " + started.body());
        }
        return started.headers().firstValue("Location").orElseThrow();
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.close();
    }
}
