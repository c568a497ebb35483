package io.k8saga.order.route;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.k8saga.order.domain.OrderRequest;
import io.k8saga.order.domain.OrderService;
import io.k8saga.testkit.LraClient;
import io.k8saga.testkit.SagaInfraResource;
import io.k8saga.testkit.SagaTopics;
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
 * Sagas that do not end by themselves, against the real coordinator: an LRA it gave up on is listed by
 * {@code GET /admin/sagas/stuck} with its order; orders whose LRA hangs in Closing or Cancelling, or was lost, are
 * settled by order-route and their outcome published.
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
    void anOrderWhoseLraTheCoordinatorLostIsRejectedAndItsOutcomePublished() {
        // As if the coordinator died before storing the LRA: it answers 404 for it.
        String lostSaga = SagaInfraResource.coordinatorUrl() + "/lra-coordinator/0_ffff7f000001_0_0_404";
        try (SagaTopics orderEvents = new SagaTopics("order-events")) {
            String orderId = pendingOrderOf(lostSaga);

            // saga.timeout (8s) + saga.orphan-grace (2s), checked every second in the test profile.
            await().atMost(DEADLINE).untilAsserted(() -> given().get("/api/orders/" + orderId).then()
                    .body("status", org.hamcrest.Matchers.equalTo("REJECTED"))
                    .body("rejectionReason", org.hamcrest.Matchers.equalTo("TIMEOUT")));
            var outcome = await().atMost(DEADLINE).until(() -> orderEvents.latest(orderId),
                    record -> record != null && "OrderOutcome".equals(SagaTopics.header(record, "eventType")));
            assertThat(outcome.value()).contains("\"decision\":\"REJECTED\"");
        }
    }

    @Test
    void anOrderWhoseLraHangsInClosingIsApprovedAndItsOutcomePublished() throws Exception {
        assertSettledAs("/close", "APPROVED");
    }

    @Test
    void anOrderWhoseLraHangsInCancellingIsRejectedAndItsOutcomePublished() throws Exception {
        assertSettledAs("/cancel", "REJECTED");
    }

    /** A participant that answers every callback 202 (still working) keeps the LRA Closing or Cancelling. */
    private void assertSettledAs(String end, String expected) throws Exception {
        HttpServer participant = participant(202, "");
        try (SagaTopics orderEvents = new SagaTopics("order-events")) {
            String lra = LraClient.start();
            join(lra, "http://localhost:" + participant.getAddress().getPort());
            String orderId = pendingOrderOf(lra);
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(lra + end))
                    .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());

            // saga.timeout (8s) + saga.orphan-grace (2s), checked every second in the test profile.
            await().atMost(DEADLINE).untilAsserted(() -> given().get("/api/orders/" + orderId).then()
                    .body("status", org.hamcrest.Matchers.equalTo(expected)));
            var outcome = await().atMost(DEADLINE).until(() -> orderEvents.latest(orderId),
                    record -> record != null && "OrderOutcome".equals(SagaTopics.header(record, "eventType")));
            assertThat(outcome.value()).contains("\"decision\":\"" + expected + "\"");
        } finally {
            participant.stop(0);
        }
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

    /** A participant whose compensation fails for good (its completion answers the same). */
    private static HttpServer failingParticipant() throws IOException {
        return participant(500, "FailedToCompensate");
    }

    /** A participant that answers both callbacks with this status and body. */
    private static HttpServer participant(int status, String answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
        return server;
    }
}
