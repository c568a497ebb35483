package io.k8saga.order.api;

import static io.k8saga.testkit.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.k8saga.testkit.ApiTokens;
import io.k8saga.testkit.SagaInfraResource;
import io.k8saga.testkit.SagaTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * order-route's bounds under load, against a real Kafka broker and the real coordinator, with small limits: sagas in
 * flight (admission control) and long-polling reads (held without a thread, at most so many). The test plays
 * payment-route by publishing its answers.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
@TestProfile(LoadLimitsTest.SmallLimits.class)
class LoadLimitsTest {

    private static final int MAX_IN_FLIGHT = 3;
    /** More than the HTTP worker threads (Quarkus: 200), so held reads that each kept one would starve the rest. */
    private static final int MAX_WAITERS = 250;
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    /** Small limits, and sagas that do not time out while a test runs. */
    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("saga.admission.max-in-flight", Integer.toString(MAX_IN_FLIGHT),
                    "saga.orders.max-waiters", Integer.toString(MAX_WAITERS),
                    "saga.timeout", "60s");
        }
    }

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private SagaTopics topics;

    @BeforeEach
    void connect() {
        topics = new SagaTopics("order-events");
    }

    @AfterEach
    void disconnect() {
        topics.close();
    }

    @Test
    void ordersBeyondTheSagasInFlightAreRefusedUntilOneEnds() {
        List<String> accepted = IntStream.range(0, MAX_IN_FLIGHT)
                .mapToObj(i -> placeOrder("admit-" + i, "{\"customerId\":\"a-" + i + "\",\"amount\":5}", 202))
                .toList();
        long stored = orderCount();

        given().contentType(ContentType.JSON).body("{\"customerId\":\"a-9\",\"amount\":5}")
                .post("/api/orders")
                .then().statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", equalTo("1"))
                .body("status", equalTo(503));
        assertThat(orderCount()).as("a refused order stores nothing").isEqualTo(stored);
        // A replay of an accepted order is answered as before, full or not.
        assertThat(placeOrder("admit-0", "{\"customerId\":\"a-0\",\"amount\":5}", 200)).isEqualTo(accepted.get(0));

        approve(accepted.get(0));
        String next = placeOrder("admit-after", "{\"customerId\":\"a-10\",\"amount\":5}", 202);

        // Gives the places back for the other tests.
        List.of(accepted.get(1), accepted.get(2), next).forEach(this::approve);
    }

    @Test
    void heldReadsTakeNoWorkerThreadAndAllGetTheFinalAnswer() {
        String orderId = placeOrder(null, "{\"customerId\":\"w-1\",\"amount\":7}", 202);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String authorization = "Bearer " + ApiTokens.forTests().admin();
        List<CompletableFuture<HttpResponse<String>>> reads = IntStream.range(0, MAX_WAITERS + 50)
                .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(orderUri(orderId))
                        .header("Prefer", "wait=20").header("Authorization", authorization)
                        .timeout(Duration.ofSeconds(40)).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();

        // Those beyond the cap are answered at once, as if they had not asked to wait.
        await().atMost(DEADLINE).until(() -> reads.stream().filter(CompletableFuture::isDone).count() == 50);
        assertThat(reads.stream().filter(CompletableFuture::isDone).map(CompletableFuture::join))
                .allSatisfy(read -> {
                    assertThat(read.headers().firstValue("Preference-Applied")).isEmpty();
                    assertThat(read.body()).contains("\"status\":\"PENDING\"");
                });
        // With 250 reads held, more than there are worker threads, the API still answers at once.
        long started = System.nanoTime();
        given().get("/api/orders/" + orderId).then().statusCode(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));

        approve(orderId);
        List<HttpResponse<String>> answers = reads.stream().map(CompletableFuture::join).toList();
        assertThat(answers.stream().filter(read -> read.headers().firstValue("Preference-Applied").isPresent()))
                .hasSize(MAX_WAITERS)
                .allSatisfy(read -> {
                    assertThat(read.statusCode()).isEqualTo(200);
                    assertThat(read.headers().firstValue("Preference-Applied")).contains("wait=20");
                    assertThat(read.body()).contains("\"status\":\"APPROVED\"");
                });
    }

    private String placeOrder(String idempotencyKey, String body, int status) {
        var request = given().contentType(ContentType.JSON).body(body);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        String location = request.post("/api/orders")
                .then().statusCode(status)
                .header("Location", startsWith("/api/orders/"))
                .extract().header("Location");
        return location.substring("/api/orders/".length());
    }

    /** Plays payment-route: the payment is authorized, so the saga closes and the order is approved. */
    private void approve(String orderId) {
        String sagaId = given().get("/api/orders/" + orderId).then().extract().path("sagaId");
        topics.publish("payment-events", orderId, sagaId, "{\"type\":\"PaymentAuthorized\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-" + orderId + "\",\"amount\":5.00,\"currency\":\"EUR\"}");
        await().atMost(DEADLINE).untilAsserted(() ->
                given().get("/api/orders/" + orderId).then().body("status", equalTo("APPROVED")));
    }

    private long orderCount() {
        return given().get("/api/orders").then().statusCode(200).extract().<Integer>path("total");
    }

    private URI orderUri(String orderId) {
        return URI.create("http://localhost:" + port + "/api/orders/" + orderId);
    }
}
