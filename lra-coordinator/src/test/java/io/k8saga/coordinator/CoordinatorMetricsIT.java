package io.k8saga.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8saga.testkit.FreePorts;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged coordinator's {@code /q/metrics} count what happened to its LRAs: one closed, one cancelled and one
 * left to its time limit are three started, one closed, one cancelled, one timed out, and none active after.
 */
class CoordinatorMetricsIT {

    @TempDir
    Path dir;

    @Test
    void countsLrasStartedClosedCancelledAndTimedOut() throws Exception {
        try (CoordinatorProcess coordinator = CoordinatorProcess.start(dir, FreePorts.pick(), List.of(), Map.of())) {
            String closed = coordinator.startLra("localhost", "metrics-it");
            String cancelled = coordinator.startLra("localhost", "metrics-it");
            coordinator.startLra("localhost", "metrics-it", Duration.ofSeconds(1));
            assertThat(metric(coordinator, "saga_coordinator_lras_active")).isEqualTo(3);

            assertThat(end(closed, "close").statusCode()).isEqualTo(200);
            assertThat(end(cancelled, "cancel").statusCode()).isEqualTo(200);
            // A second close of the ended LRA is refused (it is gone) and counts nothing.
            assertThat(end(closed, "close").statusCode()).isBetween(400, 499);

            await("the third LRA timed out").atMost(Duration.ofSeconds(20))
                    .until(() -> metric(coordinator, "saga_coordinator_lras_total{event=\"timed_out\"}") == 1);
            assertThat(metric(coordinator, "saga_coordinator_lras_total{event=\"started\"}")).isEqualTo(3);
            assertThat(metric(coordinator, "saga_coordinator_lras_total{event=\"closed\"}")).isEqualTo(1);
            assertThat(metric(coordinator, "saga_coordinator_lras_total{event=\"cancelled\"}")).isEqualTo(1);
            assertThat(metric(coordinator, "saga_coordinator_lras_active")).isZero();
            assertThat(metric(coordinator, "saga_coordinator_lras_failed")).isZero();
        }
    }

    /** A sample's value from the Prometheus text; {@code series} is the name with its labels as the text has them. */
    private static double metric(CoordinatorProcess coordinator, String series) throws Exception {
        HttpResponse<String> scrape = CoordinatorProcess.send(HttpRequest.newBuilder(
                URI.create(coordinator.url("localhost") + "/q/metrics")).GET());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape.body());
        assertThat(sample.find()).as("%s in %s", series, scrape.body()).isTrue();
        return Double.parseDouble(sample.group(1));
    }

    private static HttpResponse<String> end(String lra, String how) throws Exception {
        return CoordinatorProcess.send(HttpRequest.newBuilder(URI.create(lra + "/" + how))
                .PUT(HttpRequest.BodyPublishers.noBody()));
    }
}
