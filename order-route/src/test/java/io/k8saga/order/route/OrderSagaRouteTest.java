package io.k8saga.order.route;

import static io.k8saga.testkit.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.k8saga.order.domain.Order;
import io.k8saga.common.db.Sql;
import io.k8saga.order.domain.OrderRequest;
import io.k8saga.order.domain.OrderService;
import io.k8saga.order.domain.OrderStatus;
import io.k8saga.common.lra.CallbackSignatures;
import io.k8saga.testkit.LraClient;
import io.k8saga.testkit.SagaInfraResource;
import io.k8saga.testkit.SagaTopics;
import io.k8saga.testkit.SilentServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import javax.sql.DataSource;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * order-route against a real Kafka broker and the real LRA coordinator. The test plays credit-route and
 * payment-route by producing their answers onto Kafka, with the LRA id in the Long-Running-Action header.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
class OrderSagaRouteTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @ConfigProperty(name = "camel.lra.coordinator-url")
    String coordinatorUrl;

    @Inject
    OrderService orders;

    @Inject
    DataSource dataSource;

    @Inject
    CallbackSignatures signatures;

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
    void placingAnOrderStartsASagaAndPublishesOrderCreatedWithTheLraHeader() {
        String orderId = placeOrder("{\"customerId\":\"c-1\",\"amount\":12.5}");
        String sagaId = sagaIdOf(orderId);

        ConsumerRecord<String, String> event = awaitOrderCreated(orderId);
        assertThat(new String(event.headers().lastHeader(SagaTopics.LRA_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo(sagaId);
        assertThat(event.value()).contains("\"customerId\":\"c-1\"", "\"amount\":12.50", "\"currency\":\"EUR\"")
                .doesNotContain("paymentToken", "tok_ok");
        assertThat(LraClient.isActive(sagaId)).isTrue();
    }

    @Test
    void thePaymentTokenGoesToPaymentRequestsAlone() {
        try (SagaTopics paymentRequests = new SagaTopics("payment-requests")) {
            String orderId = placeOrder("{\"customerId\":\"c-1\",\"amount\":7,\"paymentToken\":\"tok_only_here\"}");

            ConsumerRecord<String, String> request = await().atMost(DEADLINE)
                    .until(() -> paymentRequests.latest(orderId), Objects::nonNull);
            assertThat(SagaTopics.header(request, SagaTopics.LRA_HEADER)).isEqualTo(sagaIdOf(orderId));
            assertThat(SagaTopics.header(request, SagaTopics.EVENT_TYPE_HEADER)).isEqualTo("PaymentRequested");
            assertThat(request.value()).contains("\"orderId\":\"" + orderId + "\"", "\"customerId\":\"c-1\"",
                    "\"amount\":7.00", "\"currency\":\"EUR\"", "\"paymentToken\":\"tok_only_here\"");
            assertThat(awaitOrderCreated(orderId).value()).doesNotContain("tok_only_here");
        }
    }

    @Test
    void paymentAuthorizedClosesTheSagaAndApprovesTheOrder() {
        String orderId = placeOrder("{\"customerId\":\"c-2\",\"amount\":20}");
        String sagaId = sagaIdOf(orderId);

        publish("payment-events", orderId, sagaId, "{\"type\":\"PaymentAuthorized\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-1\",\"amount\":20.00,\"currency\":\"EUR\"}");

        awaitStatus(orderId, "APPROVED");
        given().get("/api/orders/" + orderId).then().body("rejectionReason", equalTo(null));
        await().atMost(DEADLINE).until(() -> !LraClient.isActive(sagaId));
    }

    @Test
    void aFinalOrderPublishesItsOutcomeForTheParticipants() {
        String orderId = placeOrder("{\"customerId\":\"c-10\",\"amount\":15}");
        String sagaId = sagaIdOf(orderId);
        publish("payment-events", orderId, sagaId, "{\"type\":\"PaymentAuthorized\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-10\",\"amount\":15.00,\"currency\":\"EUR\"}");

        ConsumerRecord<String, String> outcome = await().atMost(DEADLINE).until(() -> topics.latest(orderId),
                record -> record != null && "OrderOutcome".equals(SagaTopics.header(record, "eventType")));
        assertThat(outcome.value()).contains("\"decision\":\"APPROVED\"");
        assertThat(SagaTopics.header(outcome, "eventId")).isNotBlank();
        // The participants settle only by an outcome of the saga they joined.
        assertThat(SagaTopics.header(outcome, SagaTopics.LRA_HEADER)).isEqualTo(sagaId);
    }

    @Test
    void creditLimitExceededCancelsTheSagaWithThatReason() {
        String orderId = placeOrder("{\"customerId\":\"c-3\",\"amount\":20}");
        String sagaId = sagaIdOf(orderId);

        publish("customer-events", orderId, sagaId, creditEvent("CreditLimitExceeded", orderId));

        awaitStatus(orderId, "REJECTED");
        given().get("/api/orders/" + orderId).then().body("rejectionReason", equalTo("CREDIT_LIMIT_EXCEEDED"));
    }

    @Test
    void unknownCustomerAndDeclinedPaymentGiveTheirOwnReasons() {
        String unknown = placeOrder("{\"customerId\":\"c-4\",\"amount\":20}");
        String declined = placeOrder("{\"customerId\":\"c-5\",\"amount\":20}");

        publish("customer-events", unknown, sagaIdOf(unknown), creditEvent("CustomerNotFound", unknown));
        publish("payment-events", declined, sagaIdOf(declined), "{\"type\":\"PaymentDeclined\",\"orderId\":\""
                + declined + "\",\"paymentId\":\"p-2\",\"amount\":20.00,\"currency\":\"EUR\"}");

        awaitStatus(unknown, "REJECTED");
        awaitStatus(declined, "REJECTED");
        given().get("/api/orders/" + unknown).then().body("rejectionReason", equalTo("UNKNOWN_CUSTOMER"));
        given().get("/api/orders/" + declined).then().body("rejectionReason", equalTo("PAYMENT_DECLINED"));
    }

    @Test
    void creditReservedAloneDoesNotEndTheSaga() {
        String orderId = placeOrder("{\"customerId\":\"c-6\",\"amount\":20}");
        String sagaId = sagaIdOf(orderId);

        publish("customer-events", orderId, sagaId, creditEvent("CreditReserved", orderId));
        // A later refusal for another order, on the same topic and key order, proves the first event was read.
        String other = placeOrder("{\"customerId\":\"c-6\",\"amount\":30}");
        publish("customer-events", orderId, sagaIdOf(other), creditEvent("CreditLimitExceeded", other));
        awaitStatus(other, "REJECTED");

        given().get("/api/orders/" + orderId).then().body("status", equalTo("PENDING"));
        assertThat(LraClient.isActive(sagaId)).isTrue();
    }

    @Test
    void aRefusalNamingAnotherCoordinatorsLraIsDeadLetteredAndChangesNothing() {
        String orderId = placeOrder("{\"customerId\":\"c-14\",\"amount\":20}");
        try (SilentServer foreign = SilentServer.start(0);
                SagaTopics deadLetters = new SagaTopics("customer-events.dlq")) {
            publish("customer-events", orderId, foreign.url() + "/lra-coordinator/0_foreign",
                    creditEvent("CreditLimitExceeded", orderId));

            ConsumerRecord<String, String> letter = await().atMost(DEADLINE)
                    .until(() -> deadLetters.latest(orderId), Objects::nonNull);
            assertThat(SagaTopics.header(letter, "deadLetterReason")).contains("UnknownCoordinatorException");
            assertThat(foreign.requests()).isEmpty();
            // Refused before the handler ran: not even the reason (kept hidden while PENDING) was recorded.
            Order order = orders.find(orderId).orElseThrow();
            assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
            assertThat(order.rejectionReason()).isNull();
        }
    }

    @Test
    void anEventNotAboutAPendingOrderOfItsLraIsDeadLetteredWithoutACoordinatorCall() {
        String orderId = placeOrder("{\"customerId\":\"c-16\",\"amount\":20}");
        String sagaId = sagaIdOf(orderId);
        String otherLra = LraClient.start();
        String approved = placeOrder("{\"customerId\":\"c-16\",\"amount\":5}");
        publish("payment-events", approved, sagaIdOf(approved), paymentEvent("PaymentAuthorized", approved));
        awaitStatus(approved, "APPROVED");
        String unknown = "nobody-" + UUID.randomUUID();

        try (SagaTopics paymentLetters = new SagaTopics("payment-events.dlq");
                SagaTopics creditLetters = new SagaTopics("customer-events.dlq")) {
            // Another (real) LRA than the order's; an order that does not exist; an order that has ended.
            publish("payment-events", orderId, otherLra, paymentEvent("PaymentAuthorized", orderId));
            publish("customer-events", orderId, otherLra, creditEvent("CreditLimitExceeded", orderId));
            publish("payment-events", unknown, otherLra, paymentEvent("PaymentAuthorized", unknown));
            publish("payment-events", approved, sagaIdOf(approved), paymentEvent("PaymentDeclined", approved));

            for (String key : List.of(orderId, unknown, approved)) {
                ConsumerRecord<String, String> letter = await().atMost(DEADLINE)
                        .until(() -> paymentLetters.latest(key), Objects::nonNull);
                assertThat(SagaTopics.header(letter, "deadLetterReason")).contains("InvalidEventException");
            }
            await().atMost(DEADLINE).until(() -> creditLetters.latest(orderId), Objects::nonNull);
        }
        // No coordinator call: both LRAs are still active, and the orders are as they were.
        assertThat(LraClient.isActive(sagaId)).isTrue();
        assertThat(LraClient.isActive(otherLra)).isTrue();
        Order order = orders.find(orderId).orElseThrow();
        assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(order.rejectionReason()).isNull();
        given().get("/api/orders/" + approved).then().body("status", equalTo("APPROVED"));

        // The order's own saga still ends by its own event.
        publish("payment-events", orderId, sagaId, paymentEvent("PaymentAuthorized", orderId));
        awaitStatus(orderId, "APPROVED");
    }

    private static String paymentEvent(String type, String orderId) {
        return "{\"type\":\"" + type + "\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-" + orderId + "\",\"amount\":20.00,\"currency\":\"EUR\"}";
    }

    @Test
    void aSagaNobodyAnswersTimesOut() {
        // saga.timeout is 8s in the test profile
        String orderId = placeOrder("{\"customerId\":\"c-7\",\"amount\":20}");

        awaitStatus(orderId, "REJECTED");
        given().get("/api/orders/" + orderId).then().body("rejectionReason", equalTo("TIMEOUT"));
    }

    @Test
    void aDuplicateOutcomeEventChangesNothing() {
        String orderId = placeOrder("{\"customerId\":\"c-8\",\"amount\":20}");
        String sagaId = sagaIdOf(orderId);
        String authorized = "{\"type\":\"PaymentAuthorized\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-3\",\"amount\":20.00,\"currency\":\"EUR\"}";

        publish("payment-events", orderId, sagaId, authorized);
        awaitStatus(orderId, "APPROVED");
        publish("payment-events", orderId, sagaId, "{\"type\":\"PaymentDeclined\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-3\",\"amount\":20.00,\"currency\":\"EUR\"}");
        String marker = placeOrder("{\"customerId\":\"c-8\",\"amount\":1}");
        publish("payment-events", orderId, sagaIdOf(marker), "{\"type\":\"PaymentDeclined\",\"orderId\":\""
                + marker + "\",\"paymentId\":\"p-4\",\"amount\":1.00,\"currency\":\"EUR\"}");
        awaitStatus(marker, "REJECTED");

        given().get("/api/orders/" + orderId).then()
                .body("status", equalTo("APPROVED"))
                .body("rejectionReason", equalTo(null));
    }

    @Test
    void anOrderWhoseSagaNeverStartedHasItStartedAfterAll() {
        // As if order-route died right after storing the order: stored, but no LRA was ever started for it.
        String orderId = orders.place(new OrderRequest("c-9", new BigDecimal("5.00"), "EUR", "tok_ok"), null)
                .order().orderId();

        // saga.orphan-resume-after (5s) in the test profile, checked every second.
        String sagaId = await().atMost(DEADLINE).until(
                () -> given().get("/api/orders/" + orderId).then().extract().<String>path("sagaId"), Objects::nonNull);
        assertThat(LraClient.isActive(sagaId)).isTrue();
        assertThat(SagaTopics.header(awaitOrderCreated(orderId), SagaTopics.LRA_HEADER)).isEqualTo(sagaId);
        publish("payment-events", orderId, sagaId, "{\"type\":\"PaymentAuthorized\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-9\",\"amount\":5.00,\"currency\":\"EUR\"}");
        awaitStatus(orderId, "APPROVED");
    }

    @Test
    void anOrderWhoseSagaNeverStartedIsRejectedOnceItIsTooOldToStart() {
        String orderId = orders.place(new OrderRequest("c-12", new BigDecimal("5.00"), "EUR", "tok_ok"), null)
                .order().orderId();
        // Older than saga.timeout (8s) + saga.orphan-grace (2s) in the test profile: its time is up.
        new Sql(dataSource).update("UPDATE orders SET created_at = ? WHERE order_id = ?",
                OffsetDateTime.now().minusMinutes(1), orderId);

        awaitStatus(orderId, "REJECTED");
        given().get("/api/orders/" + orderId).then()
                .body("rejectionReason", equalTo("TIMEOUT"))
                .body("sagaId", equalTo(null));
    }

    @Test
    void aCallbackForAnotherLraLeavesTheOrderAlone() {
        String orderId = placeOrder("{\"customerId\":\"c-13\",\"amount\":20}");
        String sagaId = sagaIdOf(orderId);
        String otherLra = LraClient.start();

        for (String callback : List.of("compensate?Camel-Saga-Compensate=direct://rejectOrder",
                "complete?Camel-Saga-Complete=direct://approveOrder")) {
            // Signed as if an LRA had been joined for this order: the order's own saga id still decides.
            given().header("Long-Running-Action", otherLra)
                    .put("/lra-participant/" + callback + "&orderId=" + orderId + "&sig="
                            + signatures.sign(otherLra, orderId))
                    .then().statusCode(204);
            given().header("Long-Running-Action", sagaId)
                    .put("/lra-participant/" + callback + "&orderId=" + orderId)
                    .then().statusCode(403);
        }

        given().get("/api/orders/" + orderId).then().body("status", equalTo("PENDING"));
        publish("payment-events", orderId, sagaId, "{\"type\":\"PaymentAuthorized\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-13\",\"amount\":20.00,\"currency\":\"EUR\"}");
        awaitStatus(orderId, "APPROVED");
    }

    @Test
    void theTimeoutOfAnLraTheOrderNeverRecordedLeavesItForItsOwnSaga() {
        // As if order-route died after its LRA had joined it and before the order recorded that LRA: when the lost
        // LRA times out, its compensation finds an order without a saga, which must wait for a saga of its own.
        String orderId = orders.place(new OrderRequest("c-15", new BigDecimal("5.00"), "EUR", "tok_ok"), null)
                .order().orderId();
        String lostLra = LraClient.start();
        given().header("Long-Running-Action", lostLra)
                .put("/lra-participant/compensate?Camel-Saga-Compensate=direct://rejectOrder&orderId=" + orderId
                        + "&sig=" + signatures.sign(lostLra, orderId))
                .then().statusCode(204);
        assertThat(orders.find(orderId).orElseThrow().status()).isEqualTo(OrderStatus.PENDING);

        // saga.orphan-resume-after (5s) in the test profile: OrderResumer starts the order's own saga.
        String sagaId = await().atMost(DEADLINE).until(
                () -> given().get("/api/orders/" + orderId).then().extract().<String>path("sagaId"), Objects::nonNull);
        assertThat(sagaId).isNotEqualTo(lostLra);
        publish("payment-events", orderId, sagaId, "{\"type\":\"PaymentAuthorized\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-15\",\"amount\":5.00,\"currency\":\"EUR\"}");
        awaitStatus(orderId, "APPROVED");
    }

    @Test
    void aReadThatPrefersToWaitIsAnsweredAsSoonAsTheSagaEnds() throws Exception {
        String orderId = placeOrder("{\"customerId\":\"c-11\",\"amount\":20}");
        String sagaId = sagaIdOf(orderId);

        CompletableFuture<Response> read = CompletableFuture.supplyAsync(() ->
                given().header("Prefer", "wait=15").get("/api/orders/" + orderId));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> !read.isDone());
        publish("payment-events", orderId, sagaId, "{\"type\":\"PaymentAuthorized\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-11\",\"amount\":20.00,\"currency\":\"EUR\"}");

        // Answered before its 15 s were up: had it waited them out, the order would still read PENDING.
        read.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).then().statusCode(200)
                .header("Preference-Applied", equalTo("wait=15"))
                .body("status", equalTo("APPROVED"));
    }

    @Test
    void aReadThatPrefersToWaitGetsThePendingOrderOnceTheWaitIsOver() {
        String orderId = placeOrder("{\"customerId\":\"c-12\",\"amount\":20}");

        given().header("Prefer", "wait=1").get("/api/orders/" + orderId).then().statusCode(200)
                .header("Preference-Applied", equalTo("wait=1"))
                .body("status", equalTo("PENDING"));
    }

    @Test
    void aPreferenceItCannotReadIsIgnored() {
        String orderId = placeOrder("{\"customerId\":\"c-13\",\"amount\":20}");

        given().header("Prefer", "wait=soon").get("/api/orders/" + orderId).then().statusCode(200)
                .header("Preference-Applied", equalTo(null))
                .body("status", equalTo("PENDING"));
        given().header("Prefer", "wait=1").get("/api/orders/no-such-order").then().statusCode(404);
    }

    private String placeOrder(String body) {
        String location = given().contentType(ContentType.JSON).body(body)
                .post("/api/orders")
                .then().statusCode(202)
                .header("Location", startsWith("/api/orders/"))
                .body("status", equalTo("PENDING"))
                .extract().header("Location");
        return location.substring("/api/orders/".length());
    }

    private String sagaIdOf(String orderId) {
        String sagaId = given().get("/api/orders/" + orderId).then().statusCode(200).extract().path("sagaId");
        assertThat(sagaId).startsWith(coordinatorUrl + "/lra-coordinator/");
        return sagaId;
    }

    private void awaitStatus(String orderId, String status) {
        await().atMost(DEADLINE).untilAsserted(() ->
                given().get("/api/orders/" + orderId).then().body("status", equalTo(status)));
    }

    private ConsumerRecord<String, String> awaitOrderCreated(String orderId) {
        return await().atMost(DEADLINE).until(() -> topics.latest(orderId), Objects::nonNull);
    }

    private void publish(String topic, String key, String sagaId, String json) {
        topics.publish(topic, key, sagaId, json);
    }

    private static String creditEvent(String type, String orderId) {
        return "{\"type\":\"" + type + "\",\"orderId\":\"" + orderId + "\",\"customerId\":\"c\",\"amount\":20.00,"
                + "\"currency\":\"EUR\",\"paymentToken\":\"tok_ok\"}";
    }
}
