package io.k8saga.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged coordinator in a process of its own, configured as the chart configures a shard: an LRA started
 * through one host name is named by the advertised URL, and it can be ended there.
 */
class AdvertisedUrlIT {

    @TempDir
    Path dir;

    @Test
    void anLraStartedThroughAnotherHostNameIsNamedByTheAdvertisedUrl() throws Exception {
        int port = FreePorts.pick();
        String advertised = "http://127.0.0.1:" + port;
        try (CoordinatorProcess coordinator = CoordinatorProcess.start(dir, port, List.of(),
                Map.of("SAGA_COORDINATOR_ADVERTISED_URL", advertised))) {

            String lra = coordinator.startLra("localhost", "advertised-url-it");
            assertThat(lra).startsWith(advertised + "/lra-coordinator/");

            HttpResponse<String> closed = CoordinatorProcess.send(HttpRequest.newBuilder(URI.create(lra + "/close"))
                    .PUT(HttpRequest.BodyPublishers.noBody()));
            assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
        }
    }
}
