package io.k8saga.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.testkit.FreePorts;
import io.k8saga.testkit.ManagedProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged coordinator in a process of its own, configured as the chart configures a shard: an LRA started
 * through one host name is named by the advertised URL, and it can be ended there.
 */
class AdvertisedUrlIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    @Test
    void anLraStartedThroughAnotherHostNameIsNamedByTheAdvertisedUrl() throws Exception {
        int port = FreePorts.pick();
        String advertised = "http://127.0.0.1:" + port;
        String store = dir.resolve("ObjectStore").toString();
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-DObjectStoreEnvironmentBean.objectStoreDir=" + store,
                "-DObjectStoreEnvironmentBean.communicationStore.objectStoreDir=" + store,
                "-DRecoveryEnvironmentBean.recoveryBackoffPeriod=1",
                "-jar", System.getProperty("saga.coordinator.jar"));
        try (ManagedProcess coordinator = ManagedProcess.start("lra-coordinator", command,
                Map.of("SAGA_COORDINATOR_ADVERTISED_URL", advertised), dir)) {
            String local = "http://localhost:" + port;
            coordinator.awaitHttp(URI.create(local + "/lra-coordinator"), Duration.ofSeconds(60));

            HttpResponse<String> started = send(HttpRequest.newBuilder(
                    URI.create(local + "/lra-coordinator/start?ClientID=advertised-url-it&TimeLimit=30000"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
            String lra = started.headers().firstValue("Location").orElseThrow();
            assertThat(lra).startsWith(advertised + "/lra-coordinator/");

            HttpResponse<String> closed = send(HttpRequest.newBuilder(URI.create(lra + "/close"))
                    .PUT(HttpRequest.BodyPublishers.noBody()));
            assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
