package io.k8saga.order.route;

import static io.k8saga.testkit.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.k8saga.common.api.OpenApiDocument;
import io.k8saga.common.db.Sql;
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
import java.time.OffsetDateTime;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;

/**
 * Sagas that do not end by themselves, against the real coordinator: an LRA it gave up on is listed by
 * {@code GET /admin/sagas/stuck} with its order; orders whose LRA hangs in Closing or Cancelling are settled by
 * order-route and their outcome published; an order whose LRA was lost gets a new saga (once); orders PENDING past
 * the time limit are listed whatever the coordinator says of them.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
class StuckSagasRouteTest {

    @Inject
    OpenApiDocument openApi;

    @Test
    void servesItsPartOfTheOpenApiDocumentWhichListsEveryRestRouteAndNoOther() {
        assertThat(openApi.served()).isEqualTo(openApi.documented()).isNotEmpty();
        String served = given().get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(served).contains("operationId: \"placeOrder\"", "operationId: \"listStuckSagas\"");
    }

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Inject
    OrderService orders;

    @Inject
    DataSource dataSource;

    @Inject
    CamelContext camel;

    @Test
    void anLraTheCoordinatorGaveUpOnIsListedWithItsOrder() throws Exception {
        HttpServer participant = failingParticipant();
        try {
            String lra = LraClient.start();
            join(lra, "http://localhost:" + participant.getAddress().getPort());
            String orderId = pendingOrderOf(lra);

            // The participant answers FailedToCompensate: the coordinator moves the LRA to its failed list.
            cancel(lra);

            Map<String, Object> entry = await().atMost(DEADLINE).until(() -> entryFor(lra), e -> e != null
                    && "FAILED".equals(e.get("reason")));
            assertThat(entry).extractingByKey("order").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                    .containsEntry("orderId", orderId).containsEntry("status", "PENDING");

            // Past the time limit the order is rejected, not given a new saga: the failed LRA is an operator's.
            await().atMost(DEADLINE).untilAsserted(() -> given().get("/api/orders/" + orderId).then()
                    .body("status", org.hamcrest.Matchers.equalTo("REJECTED"))
                    .body("sagaId", org.hamcrest.Matchers.equalTo(lra)));
        } finally {
            participant.stop(0);
        }
    }

    @Test
    void ordersPendingPastTheTimeLimitAreListedWhateverTheCoordinatorSays() throws Exception {
        // The orphan check would settle these orders within a second; stopped, it leaves them as an outage would.
        camel.getRouteController().stopRoute("settleStuckOrders");
        HttpServer participant = failingParticipant();
        try {
            String active = LraClient.start();
            String activeOrder = overdue(pendingOrderOf(active));
            String lost = SagaInfraResource.coordinatorUrl() + "/lra-coordinator/0_ffff7f000001_0_0_5a9a";
            String lostOrder = overdue(pendingOrderOf(lost));
            String orphanOrder = overdue(orders.place(new OrderRequest("c-stuck", new BigDecimal("4.00"), "EUR",
                    "tok_ok"), null).order().orderId());
            String foreign = "http://localhost:1/lra-coordinator/0_ffff7f000001_0_0_f0f";
            String foreignOrder = overdue(pendingOrderOf(foreign));
            String recent = LraClient.start();
            pendingOrderOf(recent);
            String failed = LraClient.start();
            join(failed, "http://localhost:" + participant.getAddress().getPort());
            String failedOrder = overdue(pendingOrderOf(failed));
            cancel(failed);

            await().atMost(DEADLINE).until(() -> entryFor(failed), e -> e != null && "FAILED".equals(e.get("reason")));
            JsonPath stuck = stuck();
            assertThat(stuck.getList("sagas.findAll { it.sagaId == '" + failed + "' }")).as("one entry per saga")
                    .hasSize(1);
            assertListed(stuck.getMap(bySaga(failed)), "FAILED", "FailedToCancel", failedOrder);
            assertListed(stuck.getMap(bySaga(active)), "NOT_FINISHING", "Active", activeOrder);
            assertListed(stuck.getMap(bySaga(lost)), "NOT_FINISHING", "unknown", lostOrder);
            assertListed(stuck.getMap(bySaga(foreign)), "UNKNOWN_COORDINATOR", null, foreignOrder);
            Map<String, Object> orphan = stuck.getMap("sagas.find { it.order?.orderId == '" + orphanOrder + "' }");
            assertThat(orphan).containsEntry("sagaId", null).containsEntry("lraStatus", null);
            assertListed(orphan, "NO_SAGA", null, orphanOrder);
            assertThat(stuck.getMap(bySaga(recent))).as("within its time limit").isNull();
        } finally {
            participant.stop(0);
            camel.getRouteController().startRoute("settleStuckOrders");
        }
    }

    @Test
    void anOrderWhoseLraTheCoordinatorLostGetsANewSaga() {
        // As if the coordinator had lost the LRA in a crash: it answers 404 for it.
        String lostSaga = SagaInfraResource.coordinatorUrl() + "/lra-coordinator/0_ffff7f000001_0_0_404";
        try (SagaTopics orderEvents = new SagaTopics("order-events")) {
            String orderId = pendingOrderOf(lostSaga);

            // saga.timeout (8s) + saga.orphan-grace (2s), checked every second in the test profile.
            String sagaId = await().atMost(DEADLINE).until(() -> given().get("/api/orders/" + orderId).then()
                    .extract().<String>path("sagaId"), id -> !lostSaga.equals(id));
            assertThat(sagaId).startsWith(SagaInfraResource.coordinatorUrl() + "/lra-coordinator/");
            assertThat(LraClient.isActive(sagaId)).isTrue();
            given().get("/api/orders/" + orderId).then().body("status", org.hamcrest.Matchers.equalTo("PENDING"));
            var created = await().atMost(DEADLINE).until(() -> orderEvents.latest(orderId),
                    record -> record != null && "OrderCreated".equals(SagaTopics.header(record, "eventType")));
            assertThat(SagaTopics.header(created, SagaTopics.LRA_HEADER)).isEqualTo(sagaId);
        }
    }

    @Test
    void anOrderThatLostItsLraLongAgoIsRejectedAndItsOutcomePublished() {
        String lostSaga = SagaInfraResource.coordinatorUrl() + "/lra-coordinator/0_ffff7f000001_0_0_405";
        try (SagaTopics orderEvents = new SagaTopics("order-events")) {
            // Older than twice the time limit plus the grace: a new saga of its own would have lost its LRA too.
            String orderId = overdue(pendingOrderOf(lostSaga));

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
        orders.attachSaga(orderId, sagaId, null);
        return orderId;
    }

    /** Makes the order and its saga look an hour old, far past saga.timeout plus saga.orphan-grace. */
    private String overdue(String orderId) {
        OffsetDateTime anHourAgo = OffsetDateTime.now().minusHours(1);
        new Sql(dataSource).update("UPDATE orders SET created_at = ?, saga_started_at = CASE WHEN saga_id IS NULL"
                + " THEN NULL ELSE ? END WHERE order_id = ?", anHourAgo, anHourAgo, orderId);
        return orderId;
    }

    private Map<String, Object> entryFor(String sagaId) {
        return stuck().getMap(bySaga(sagaId));
    }

    private static JsonPath stuck() {
        JsonPath stuck = given().get("/admin/sagas/stuck").then().log().ifValidationFails().statusCode(200)
                .contentType("application/json").extract().jsonPath();
        assertThat(stuck.getInt("count")).isEqualTo(stuck.getList("sagas").size());
        assertThat(stuck.getString("checkedAt")).isNotBlank();
        return stuck;
    }

    private static String bySaga(String sagaId) {
        return "sagas.find { it.sagaId == '" + sagaId + "' }";
    }

    private static void assertListed(Map<String, Object> entry, String reason, String lraStatus, String orderId) {
        assertThat(entry).as("listed").isNotNull().containsEntry("reason", reason)
                .containsEntry("lraStatus", lraStatus);
        assertThat(entry).extractingByKey("order").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("orderId", orderId).containsEntry("status", "PENDING")
                .containsKeys("customerId", "amount", "currency", "createdAt");
    }

    private static void cancel(String lra) throws IOException, InterruptedException {
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(lra + "/cancel"))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
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
