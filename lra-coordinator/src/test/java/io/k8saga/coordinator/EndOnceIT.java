package io.k8saga.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.k8saga.testkit.FreePorts;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A close sent again while the first is still under way (a participant did not answer it) must not turn the LRA
 * into a cancellation ({@link EndOnceGuard}): what happened when order-route died during its close and sent it again
 * after a restart. Runs the packaged coordinator with a recovery pass every second.
 */
class EndOnceIT {

    @TempDir
    Path dir;

    @Test
    void aSecondCloseOfAClosingLraIsRefusedAndRecoveryCompletesTheParticipant() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicBoolean down = new AtomicBoolean(true);
        HttpServer participant = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        participant.createContext("/", exchange -> {
            calls.add(exchange.getRequestURI().getPath());
            // Down for the first call (the close), back for recovery's.
            exchange.sendResponseHeaders(down.getAndSet(false) ? 503 : 200, -1);
            exchange.close();
        });
        participant.start();
        try (CoordinatorProcess coordinator = CoordinatorProcess.start(dir, FreePorts.pick(),
                List.of("-DRecoveryEnvironmentBean.periodicRecoveryPeriod=1"), Map.of())) {
            String lra = coordinator.startLra("localhost", "end-once-it");
            String base = "http://localhost:" + participant.getAddress().getPort();
            HttpResponse<String> joined = CoordinatorProcess.send(HttpRequest.newBuilder(URI.create(lra))
                    .header("Link", "<" + base + "/compensate>; rel=compensate,<" + base + "/complete>; rel=complete")
                    .header("Content-Type", "text/plain")
                    .PUT(HttpRequest.BodyPublishers.ofString(base + "/compensate")));
            assertThat(joined.statusCode()).as(joined.body()).isEqualTo(200);

            HttpResponse<String> closed = end(lra, "close");
            assertThat(closed.statusCode()).as(closed.body()).isEqualTo(200);
            assertThat(closed.body()).isEqualTo("Closing");
            HttpResponse<String> again = end(lra, "close");
            assertThat(again.statusCode()).as(again.body()).isEqualTo(412);
            assertThat(again.body()).contains("Closing");

            await("the participant completed by recovery").atMost(Duration.ofSeconds(30))
                    .until(() -> calls.size() >= 2);
            assertThat(calls).containsOnly("/complete");
        } finally {
            participant.stop(0);
        }
    }

    private static HttpResponse<String> end(String lra, String how) throws Exception {
        return CoordinatorProcess.send(HttpRequest.newBuilder(URI.create(lra + "/" + how))
                .PUT(HttpRequest.BodyPublishers.noBody()));
    }
}
