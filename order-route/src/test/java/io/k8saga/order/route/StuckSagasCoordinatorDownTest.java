package io.k8saga.order.route;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.k8saga.testkit.FreePorts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/sagas/stuck} when the coordinator cannot be asked: a 503 problem, also when it accepts the
 * connection and never answers. Its own profile points order-route at a port where no coordinator runs, and at no
 * broker either: these tests need none, and the default one could be another stack's.
 */
@QuarkusTest
@TestProfile(StuckSagasCoordinatorDownTest.NoCoordinator.class)
class StuckSagasCoordinatorDownTest {

    /** Every call to the coordinator has a 5 s deadline; well above it means it was not kept. */
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @ConfigProperty(name = "camel.lra.coordinator-url")
    String coordinatorUrl;

    @Test
    void aCoordinatorThatRefusesTheConnectionIsA503Problem() {
        assertAnswers503();
    }

    @Test
    void aCoordinatorThatNeverAnswersIsA503ProblemOnceTheDeadlinePasses() throws Exception {
        // Bound but never accepted: the kernel completes the connection, and the request waits for an answer.
        try (ServerSocket silent = new ServerSocket()) {
            silent.bind(new InetSocketAddress("localhost", URI.create(coordinatorUrl).getPort()));
            long started = System.nanoTime();
            assertAnswers503();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(PATIENCE);
        }
    }

    private static void assertAnswers503() {
        given().get("/admin/sagas/stuck").then().log().ifValidationFails()
                .statusCode(503)
                .contentType("application/problem+json")
                .body("status", equalTo(503))
                .body("title", equalTo("Service Unavailable"))
                .body("detail", containsString("coordinator"));
    }

    /** The coordinator and the broker are free ports; the infrastructure the other tests share is not started. */
    public static class NoCoordinator implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            int[] ports = FreePorts.pick(2);
            return Map.of(
                    "camel.lra.coordinator-url", "http://localhost:" + ports[0],
                    "camel.component.kafka.brokers", "localhost:" + ports[1]);
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }
}
