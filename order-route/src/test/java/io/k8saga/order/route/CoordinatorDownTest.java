package io.k8saga.order.route;

import static io.k8saga.testkit.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.k8saga.testkit.FreePorts;
import io.k8saga.testkit.SilentServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * order-route when its coordinator cannot be asked: placing an order and {@code GET /admin/sagas/stuck} are 503
 * problems, also when the coordinator accepts the connection and never answers, and then once the request time
 * limit has passed rather than never. Its own profile points order-route at a port where no coordinator runs, and
 * at no broker either: these tests need none, and the default one could be another stack's.
 */
@QuarkusTest
@TestProfile(CoordinatorDownTest.NoCoordinator.class)
class CoordinatorDownTest {

    /** saga.coordinator.request-timeout in this profile. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /**
     * Well above the time limit (a loaded 2-core machine and a cold first request included), far below never: an
     * answer later than this means the limit was not kept.
     */
    private static final Duration PATIENCE = REQUEST_TIMEOUT.plusSeconds(10);

    @ConfigProperty(name = "camel.lra.coordinator-url")
    String coordinatorUrl;

    @Test
    void aCoordinatorThatRefusesTheConnectionIsA503Problem() throws Exception {
        assertStuckSagasAnswer503();
        assertProblem(placeOrder().get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void aCoordinatorThatNeverAnswersIsA503ProblemOnceTheTimeLimitPasses() throws Exception {
        try (SilentServer silent = SilentServer.start(URI.create(coordinatorUrl).getPort())) {
            assertThat(timed(this::assertStuckSagasAnswer503)).isLessThan(PATIENCE);
            assertThat(silent.requests()).contains("GET /lra-coordinator/recovery/failed");
        }
    }

    @Test
    void anOrderWhoseSagaCannotStartBecauseTheCoordinatorNeverAnswersIsA503ProblemOnceTheTimeLimitPasses()
            throws Exception {
        try (SilentServer silent = SilentServer.start(URI.create(coordinatorUrl).getPort())) {
            long started = System.nanoTime();
            Response answer = placeOrder().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(REQUEST_TIMEOUT)
                    .isLessThan(PATIENCE);
            assertProblem(answer);
            assertThat(silent.requests()).containsExactly("POST /lra-coordinator/start");
        }
    }

    /** POST /api/orders on a thread of its own: a request that hangs fails the test instead of hanging it. */
    private static CompletableFuture<Response> placeOrder() {
        return CompletableFuture.supplyAsync(() -> given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-down\",\"amount\":5}").post("/api/orders"));
    }

    private static void assertProblem(Response answer) {
        answer.then().log().ifValidationFails()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("status", equalTo(503))
                .body("detail", containsString("retry"));
    }

    private void assertStuckSagasAnswer503() {
        given().get("/admin/sagas/stuck").then().log().ifValidationFails()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("status", equalTo(503))
                .body("title", equalTo("Service Unavailable"))
                .body("detail", containsString("coordinator"));
    }

    private static Duration timed(Runnable call) throws Exception {
        long started = System.nanoTime();
        CompletableFuture.runAsync(call).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        return Duration.ofNanos(System.nanoTime() - started);
    }

    /** The coordinator and the broker are free ports; the infrastructure the other tests share is not started. */
    public static class NoCoordinator implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            int[] ports = FreePorts.pick(2);
            return Map.of(
                    "camel.lra.coordinator-url", "http://localhost:" + ports[0],
                    "camel.component.kafka.brokers", "localhost:" + ports[1],
                    "saga.coordinator.request-timeout", REQUEST_TIMEOUT.toSeconds() + "s");
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }
}
