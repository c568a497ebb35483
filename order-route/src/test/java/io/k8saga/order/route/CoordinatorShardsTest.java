package io.k8saga.order.route;

import static io.k8saga.testkit.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.sun.net.httpserver.HttpServer;
import io.k8saga.common.db.Sql;
import io.k8saga.order.domain.OrderRequest;
import io.k8saga.order.domain.OrderService;
import io.k8saga.testkit.LraClient;
import io.k8saga.testkit.SagaInfraResource;
import io.k8saga.testkit.SagaTopics;
import io.k8saga.testkit.SilentServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * order-route with two real coordinators as shards: new sagas start on each in turn, the stuck-saga list and the
 * settling of stuck orders reach both, and with one shard frozen new orders are still accepted and approved on the
 * other, the frozen one costing one timed-out start and then skipped. The last test stops a shard, so they run in
 * order.
 */
@QuarkusTest
@TestProfile(CoordinatorShardsTest.TwoShards.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CoordinatorShardsTest {

    /** saga.coordinator.request-timeout in this profile. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    /** Generous: on the shared 2-core machine under a load of 20, a coordinator once took 25 s to fail an LRA. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Inject
    OrderService orders;

    @Inject
    DataSource dataSource;

    @Test
    @Order(1)
    void newSagasStartOnEveryShardInTurn() {
        List<Integer> shards = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            shards.add(shardOf(sagaIdOf(placeOrder())));
        }

        assertThat(shards).containsAnyOf(0).containsAnyOf(1);
        for (int i = 1; i < shards.size(); i++) {
            assertThat(shards.get(i)).as("shard of saga %d after %s", i, shards).isNotEqualTo(shards.get(i - 1));
        }
    }

    @Test
    @Order(2)
    void theStuckListAndTheSettlingReachEveryShard() throws Exception {
        String second = SagaInfraResource.coordinatorUrls().get(1);
        HttpServer participant = failingParticipant();
        try {
            String failed = LraClient.start(second);
            join(failed, "http://localhost:" + participant.getAddress().getPort());
            String failedOrder = pendingOrderOf(failed);
            LraClient.cancel(failed);
            // As if the second coordinator died before storing this LRA: it answers 404 for it.
            String lostOrder = overdue(pendingOrderOf(second + "/lra-coordinator/0_ffff7f000001_0_0_404"));

            await().atMost(DEADLINE).untilAsserted(() -> given().get("/admin/sagas/stuck").then().statusCode(200)
                    .body("sagas.find { it.sagaId == '" + failed + "' }.reason", equalTo("FAILED"))
                    .body("sagas.find { it.sagaId == '" + failed + "' }.order.orderId", equalTo(failedOrder)));
            awaitStatus(lostOrder, "REJECTED");
        } finally {
            participant.stop(0);
        }
    }

    @Test
    @Order(3)
    void withAShardFrozenNewOrdersStartOnTheOtherAndAreApproved() throws Exception {
        String stuckOnSecond = pendingOrderOf(LraClient.start(SagaInfraResource.coordinatorUrls().get(1)));
        SagaInfraResource.stopCoordinator(1);
        try (SilentServer frozen = listenInsteadOf(SagaInfraResource.coordinatorUrls().get(1));
                SagaTopics topics = new SagaTopics("order-events")) {
            // Overdue, the oldest first: an order whose LRA is on the frozen shard, and one whose LRA the first lost.
            overdue(stuckOnSecond, 2);
            String lostOnFirst = overdue(pendingOrderOf(SagaInfraResource.coordinatorUrls().get(0)
                    + "/lra-coordinator/0_ffff7f000001_0_0_405"), 1);

            List<String> placed = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                long started = System.nanoTime();
                placed.add(placeOrder());
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("order %d", i)
                        .isLessThan(REQUEST_TIMEOUT.plusSeconds(6));
            }

            assertThat(frozen.requests().stream().filter(r -> r.startsWith("POST /lra-coordinator/start")))
                    .as("starts tried on the frozen shard: its first failure, then skipped").hasSize(1);
            for (String orderId : placed) {
                String sagaId = sagaIdOf(orderId);
                assertThat(shardOf(sagaId)).isZero();
                topics.publish("payment-events", orderId, sagaId, "{\"type\":\"PaymentAuthorized\",\"orderId\":\""
                        + orderId + "\",\"paymentId\":\"p-" + orderId + "\",\"amount\":20.00,\"currency\":\"EUR\"}");
            }
            for (String orderId : placed) {
                awaitStatus(orderId, "APPROVED");
            }
            // The frozen shard's order waits for it; the other shard's order is settled meanwhile.
            awaitStatus(lostOnFirst, "REJECTED");
            given().get("/api/orders/" + stuckOnSecond).then().body("status", equalTo("PENDING"));
        }
    }

    private String placeOrder() {
        String location = given().contentType(ContentType.JSON).body("{\"customerId\":\"c-shards\",\"amount\":20}")
                .post("/api/orders")
                .then().statusCode(202)
                .extract().header("Location");
        return location.substring("/api/orders/".length());
    }

    private static String sagaIdOf(String orderId) {
        return given().get("/api/orders/" + orderId).then().statusCode(200).extract().path("sagaId");
    }

    private static int shardOf(String sagaId) {
        List<String> urls = SagaInfraResource.coordinatorUrls();
        for (int i = 0; i < urls.size(); i++) {
            if (sagaId.startsWith(urls.get(i) + "/lra-coordinator/")) {
                return i;
            }
        }
        throw new AssertionError("saga " + sagaId + " is on none of " + urls);
    }

    private static void awaitStatus(String orderId, String status) {
        await().atMost(DEADLINE).untilAsserted(() ->
                given().get("/api/orders/" + orderId).then().body("status", equalTo(status)));
    }

    private String pendingOrderOf(String sagaId) {
        String orderId = orders.place(new OrderRequest("c-shards", new BigDecimal("3.00"), "EUR", "tok_ok"), null)
                .order().orderId();
        orders.attachSaga(orderId, sagaId, null);
        return orderId;
    }

    /** Makes the order look an hour old, far past saga.timeout plus saga.orphan-grace. */
    private String overdue(String orderId) {
        return overdue(orderId, 1);
    }

    /** Makes the order look {@code hours} old; the older ones are settled first. */
    private String overdue(String orderId, int hours) {
        new Sql(dataSource).update("UPDATE orders SET created_at = ? WHERE order_id = ?",
                OffsetDateTime.now().minusHours(hours), orderId);
        return orderId;
    }

    /** A server that accepts and never answers on the port the stopped coordinator used: a frozen shard. */
    private static SilentServer listenInsteadOf(String coordinatorUrl) {
        AtomicReference<SilentServer> server = new AtomicReference<>();
        await().atMost(DEADLINE).ignoreExceptions().until(() -> {
            server.set(SilentServer.start(URI.create(coordinatorUrl).getPort()));
            return true;
        });
        return server.get();
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

    /** A participant whose compensation fails for good: the coordinator moves the LRA to its failed list. */
    private static HttpServer failingParticipant() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "FailedToCompensate".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** Two coordinators started for this class alone, short time limits, and a back-off longer than the test. */
    public static class TwoShards implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SagaInfraResource.class,
                    Map.of(SagaInfraResource.COORDINATORS, "2")));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "saga.coordinator.request-timeout", REQUEST_TIMEOUT.toSeconds() + "s",
                    "saga.coordinator.shard-backoff", "5m");
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }
}
