package io.k8saga.order.route;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.k8saga.order.domain.OrderRequest;
import io.k8saga.order.domain.OrderService;
import io.k8saga.testkit.LraClient;
import io.k8saga.testkit.SagaInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /admin/sagas/stuck} against the real coordinator: an LRA it gave up on, and an order left PENDING past
 * the saga timeout, are both listed with their orders.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
class StuckSagasRouteTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    OrderService orders;

    @Test
    void anLraTheCoordinatorGaveUpOnIsListedWithItsOrder() throws Exception {
        HttpServer participant = failingParticipant();
        try {
            String lra = LraClient.start();
            join(lra, "http://localhost:" + participant.getAddress().getPort());
            String orderId = pendingOrderOf(lra);

            // The participant answers FailedToCompensate: the coordinator moves the LRA to its failed list.
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(lra + "/cancel"))
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());

            Map<String, Object> entry = await().atMost(DEADLINE).until(() -> entryFor(lra), e -> e != null
                    && "FAILED".equals(e.get("reason")));
            assertThat(entry).extractingByKey("order").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("orderId", orderId).containsEntry("status", "PENDING");
        } finally {
            participant.stop(0);
        }
    }

    @Test
    void anOrderPendingPastTheSagaTimeoutIsListedWithWhatTheCoordinatorKnows() {
        String unknownSaga = SagaInfraResource.coordinatorUrl() + "/lra-coordinator/0_ffff7f000001_0_0_404";
        String orderId = pendingOrderOf(unknownSaga);

        // saga.timeout (5s) + saga.orphan-grace (2s) in the test profile.
        Map<String, Object> entry = await().atMost(DEADLINE).until(() -> entryFor(unknownSaga), e -> e != null);
        assertThat(entry).containsEntry("reason", "NOT_FINISHING").containsEntry("lraStatus", "unknown");
        assertThat(entry).extractingByKey("order").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("orderId", orderId);
    }

    private String pendingOrderOf(String sagaId) {
        String orderId = orders.place(new OrderRequest("c-stuck", new BigDecimal("3.00"), "EUR", "tok_ok"), null)
                .order().orderId();
        orders.attachSaga(orderId, sagaId);
        return orderId;
    }

    private Map<String, Object> entryFor(String sagaId) {
        JsonPath stuck = given().get("/admin/sagas/stuck").then().log().ifValidationFails().statusCode(200)
                .extract().jsonPath();
        assertThat(stuck.getInt("count")).isEqualTo(stuck.getList("sagas").size());
        return stuck.getMap("sagas.find { it.sagaId == '" + sagaId + "' }");
    }

    /** Joins the participant at {@code base} (its /compensate and /complete) the way a Camel service does. */
    private static void join(String lra, String base) throws IOException, InterruptedException {
        HttpResponse<String> joined = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(lra))
                .header("Link", "<" + base + "/compensate>; rel=compensate,<" + base + "/complete>; rel=complete")
                .header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString(base + "/compensate")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(joined.statusCode()).as("join: " + joined.body()).isEqualTo(200);
    }

    /** A participant whose compensation fails for good, and whose completion works. */
    private static HttpServer failingParticipant() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/compensate", exchange -> {
            byte[] body = "FailedToCompensate".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/complete", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }
}
