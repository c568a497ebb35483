package io.k8saga.credit.route;

import static io.k8saga.testkit.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.k8saga.common.lra.CallbackSignatures;
import io.k8saga.testkit.LraClient;
import io.k8saga.testkit.SagaInfraResource;
import io.k8saga.testkit.SagaTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * credit-route against a real Kafka broker and the real LRA coordinator. The test plays order-route: it starts
 * LRAs on the coordinator, publishes OrderCreated with the LRA header, and closes or cancels the LRAs.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
class CreditSagaRouteTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private SagaTopics topics;

    @Inject
    CallbackSignatures signatures;

    @BeforeEach
    void connect() {
        topics = new SagaTopics("customer-events");
    }

    @AfterEach
    void disconnect() {
        topics.close();
    }

    @Test
    void reservesCreditAndKeepsItWhenTheSagaCompletes() {
        String customer = newCustomer(100);
        String lra = LraClient.start();
        String order = publishOrder(lra, customer, "60.00");

        assertThat(awaitOutcome(order)).contains("\"type\":\"CreditReserved\"").doesNotContain("paymentToken");
        assertCredit(customer, "60.0", "40.0");

        LraClient.close(lra);
        await().atMost(DEADLINE).until(() -> !LraClient.isActive(lra));
        assertCredit(customer, "60.0", "40.0");
        given().get("/api/customers/" + customer + "/reservations").then().statusCode(200)
                .body("orderId", org.hamcrest.Matchers.contains(order))
                .body("status", org.hamcrest.Matchers.contains("CONFIRMED"))
                .body("amount", org.hamcrest.Matchers.contains(60.0f));
        given().get("/api/customers/nobody-" + UUID.randomUUID() + "/reservations").then().statusCode(404);
    }

    @Test
    void theOrdersOutcomeSettlesTheReservationWhateverTheCallbacksDid() {
        String customer = newCustomer(100);
        String rejectedLra = LraClient.start();
        String approvedLra = LraClient.start();
        String closedLra = LraClient.start();
        String rejected = publishOrder(rejectedLra, customer, "30.00");
        String approved = publishOrder(approvedLra, customer, "20.00");
        String closed = publishOrder(closedLra, customer, "10.00");
        assertThat(awaitOutcome(rejected)).contains("CreditReserved");
        assertThat(awaitOutcome(approved)).contains("CreditReserved");
        assertThat(awaitOutcome(closed)).contains("CreditReserved");

        // No LRA callback at all: the rejection alone gives the credit back, the approval keeps it.
        topics.publishOrderOutcome(rejected, rejectedLra, "REJECTED");
        topics.publishOrderOutcome(approved, approvedLra, "APPROVED");
        await().atMost(DEADLINE).untilAsserted(() -> assertCredit(customer, "30.0", "70.0"));

        // An order rejected after the close had confirmed its reservation (the coordinator's timer cancelled the
        // saga while its close was under way): the order is what counts, so the credit comes back.
        LraClient.close(closedLra);
        await().atMost(DEADLINE).until(() -> !LraClient.isActive(closedLra));
        topics.publishOrderOutcome(closed, closedLra, "REJECTED");
        await().atMost(DEADLINE).untilAsserted(() -> assertCredit(customer, "20.0", "80.0"));
    }

    @Test
    void anOutcomeOfAnotherSagaOrAgainstAnEarlierOutcomeIsDeadLetteredAndChangesNothing() {
        String customer = newCustomer(100);
        String lra = LraClient.start();
        String order = publishOrder(lra, customer, "25.00");
        assertThat(awaitOutcome(order)).contains("CreditReserved");

        try (SagaTopics deadLetters = new SagaTopics("order-events.dlq")) {
            topics.publishOrderOutcome(order, LraClient.start(), "REJECTED");
            await().atMost(DEADLINE).until(() -> deadLetters.latest(order) != null);
            assertThat(SagaTopics.header(deadLetters.latest(order), "deadLetterReason")).contains("joined");
            assertCredit(customer, "25.0", "75.0");

            topics.publishOrderOutcome(order, lra, "APPROVED");
            topics.publishOrderOutcome(order, lra, "REJECTED");
            await().atMost(DEADLINE).until(() -> SagaTopics.header(deadLetters.latest(order), "deadLetterReason")
                    .contains("APPROVED already"));
        }
        // The approval confirmed the reservation; the REJECTED after it released nothing.
        given().get("/api/customers/" + customer + "/reservations").then()
                .body("status", org.hamcrest.Matchers.contains("CONFIRMED"));
        assertCredit(customer, "25.0", "75.0");
    }

    @Test
    void compensationReleasesTheReservation() {
        String customer = newCustomer(100);
        String lra = LraClient.start();
        String order = publishOrder(lra, customer, "70.00");
        assertThat(awaitOutcome(order)).contains("CreditReserved");

        LraClient.cancel(lra);

        await().atMost(DEADLINE).untilAsserted(() -> assertCredit(customer, "0.0", "100.0"));
    }

    @Test
    void refusesWhatExceedsTheLimitAndUnknownCustomers() {
        String customer = newCustomer(50);
        String tooMuch = publishOrder(LraClient.start(), customer, "50.01");
        String unknown = publishOrder(LraClient.start(), "nobody-" + UUID.randomUUID(), "1.00");

        assertThat(awaitOutcome(tooMuch)).contains("\"type\":\"CreditLimitExceeded\"");
        assertThat(awaitOutcome(unknown)).contains("\"type\":\"CustomerNotFound\"");
        assertCredit(customer, "0.0", "50.0");
    }

    @Test
    void aCompensationBeforeTheStepLeavesATombstoneSoTheLateStepReservesNothing() {
        String customer = newCustomer(100);
        String lra = LraClient.start();
        String order = UUID.randomUUID().toString();
        // The coordinator only calls participants that joined, so the early compensation is sent as it would be.
        given().queryParam("Camel-Saga-Compensate", "direct://releaseCredit")
                .queryParam("orderId", order)
                .queryParam(CallbackSignatures.PARAMETER, signatures.sign(lra, order))
                .header(SagaTopics.LRA_HEADER, lra)
                .put("/lra-participant/compensate")
                .then().statusCode(204);

        publishOrder(lra, customer, "10.00", order, order);
        String marker = publishOrder(LraClient.start(), customer, "1.00", UUID.randomUUID().toString(), order);
        assertThat(awaitOutcome(marker)).contains("CreditReserved");

        assertThat(topics.hasSeen(order)).isFalse();
        assertCredit(customer, "1.0", "99.0");
    }

    @Test
    void aForgedCallbackIsRefusedAndChangesNothing() {
        String customer = newCustomer(100);
        String lra = LraClient.start();
        String order = publishOrder(lra, customer, "40.00");
        assertThat(awaitOutcome(order)).contains("CreditReserved");
        String otherLra = LraClient.start();
        String foreignLra = "http://elsewhere:8090/lra-coordinator/0_ffff7f000001_x";

        // No signature; one for another LRA or another order; an LRA of no configured coordinator.
        List<Map<String, String>> forgeries = List.of(
                Map.of("lra", lra, "sig", ""),
                Map.of("lra", lra, "sig", signatures.sign(otherLra, order)),
                Map.of("lra", otherLra, "sig", signatures.sign(lra, order)),
                Map.of("lra", lra, "sig", signatures.sign(lra, order + "x")),
                Map.of("lra", foreignLra, "sig", signatures.sign(foreignLra, order)));
        for (Map<String, String> forgery : forgeries) {
            for (String action : List.of("compensate?Camel-Saga-Compensate=direct://releaseCredit",
                    "complete?Camel-Saga-Complete=direct://confirmCredit")) {
                given().header(SagaTopics.LRA_HEADER, forgery.get("lra"))
                        .put("/lra-participant/" + action + "&orderId=" + order + "&sig=" + forgery.get("sig"))
                        .then().statusCode(403).contentType("application/problem+json");
            }
        }
        given().get("/api/customers/" + customer + "/reservations").then().body("status", org.hamcrest.Matchers
                .contains("PENDING"));
        assertCredit(customer, "40.0", "60.0");

        // The coordinator's own compensation still goes through.
        LraClient.cancel(lra);
        await().atMost(DEADLINE).untilAsserted(() -> assertCredit(customer, "0.0", "100.0"));
    }

    @Test
    void aReplayedOrderCreatedReservesOnce() {
        String customer = newCustomer(100);
        String lra = LraClient.start();
        String order = UUID.randomUUID().toString();
        publishOrder(lra, customer, "30.00", order, order);
        publishOrder(lra, customer, "30.00", order, order);
        String marker = publishOrder(LraClient.start(), customer, "1.00", UUID.randomUUID().toString(), order);

        awaitOutcome(marker);
        assertCredit(customer, "31.0", "69.0");
    }

    @Test
    void aRedeliveredEventIsAppliedAndReportedOnce() {
        String customer = newCustomer(100);
        String lra = LraClient.start();
        String order = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        topics.publish("order-events", order, lra, orderCreated(order, customer, "20.00"), eventId);
        topics.publish("order-events", order, lra, orderCreated(order, customer, "20.00"), eventId);
        String marker = publishOrder(LraClient.start(), customer, "1.00", UUID.randomUUID().toString(), order);

        awaitOutcome(marker);
        assertThat(topics.count(order)).isEqualTo(1);
        assertCredit(customer, "21.0", "79.0");
    }

    @Test
    void unreadableEventsGoToTheDeadLetterTopicAndTheRestOfThePartitionIsConsumed() {
        String customer = newCustomer(100);
        String key = UUID.randomUUID().toString();
        try (SagaTopics deadLetters = new SagaTopics("order-events.dlq")) {
            topics.publish("order-events", key, LraClient.start(), "{not json");
            topics.publish("order-events", key + "-no-id", LraClient.start(), orderCreated(key, customer, "5.00"),
                    null);
            topics.publish("order-events", key + "-bad-id", LraClient.start(),
                    orderCreated("bad/id", customer, "5.00"));
            String behind = publishOrder(LraClient.start(), customer, "2.00", UUID.randomUUID().toString(), key);

            assertThat(awaitOutcome(behind)).contains("CreditReserved");
            for (String dead : List.of(key, key + "-no-id", key + "-bad-id")) {
                var letter = await().atMost(DEADLINE).until(() -> deadLetters.latest(dead), Objects::nonNull);
                assertThat(SagaTopics.header(letter, "deadLetterReason")).isNotBlank();
                assertThat(SagaTopics.header(letter, "deadLetterOrigin")).startsWith("order-events/");
            }
        }
        assertCredit(customer, "2.0", "98.0");
    }

    @Test
    void anEventForASagaThatHasEndedChangesNothingAndDoesNotBlock() {
        String customer = newCustomer(100);
        String lra = LraClient.start();
        LraClient.cancel(lra);
        await().atMost(DEADLINE).until(() -> !LraClient.isActive(lra));
        String order = UUID.randomUUID().toString();
        publishOrder(lra, customer, "40.00", order, order);
        String marker = publishOrder(LraClient.start(), customer, "1.00", UUID.randomUUID().toString(), order);

        awaitOutcome(marker);
        assertThat(topics.hasSeen(order)).isFalse();
        assertCredit(customer, "1.0", "99.0");
    }

    @Test
    void concurrentOrdersNeverReserveMoreThanTheLimit() {
        String customer = newCustomer(100);
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            orders.add(publishOrder(LraClient.start(), customer, "10.00"));
        }

        long reserved = orders.stream().map(this::awaitOutcome).filter(o -> o.contains("CreditReserved")).count();
        assertThat(reserved).isEqualTo(10);
        assertCredit(customer, "100.0", "0.0");
    }

    @Test
    void eachConsumerIsAStaticMemberOfTheGroupWithAnInstanceIdOfItsOwn() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SagaInfraResource.bootstrapServers()))) {
            await().atMost(DEADLINE).untilAsserted(() -> assertThat(admin
                    .describeConsumerGroups(List.of("credit-route")).describedGroups().get("credit-route").get()
                    .members())
                    .extracting(member -> member.groupInstanceId().orElse("dynamic"))
                    .containsExactlyInAnyOrder("credit-route-order-events-1", "credit-route-order-events-2",
                            "credit-route-order-events-3"));
        }
    }

    private String newCustomer(int limit) {
        String id = "cust-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"" + id + "\",\"name\":\"Test\",\"creditLimit\":" + limit + "}")
                .post("/api/customers").then().statusCode(201);
        return id;
    }

    private void assertCredit(String customer, String reserved, String available) {
        given().get("/api/customers/" + customer).then()
                .body("creditReserved", equalTo(Float.valueOf(reserved)))
                .body("availableCredit", equalTo(Float.valueOf(available)));
    }

    private String publishOrder(String lra, String customer, String amount) {
        String order = UUID.randomUUID().toString();
        return publishOrder(lra, customer, amount, order, order);
    }

    /** Publishes OrderCreated under a Kafka key: an earlier order's key queues it behind that order's event. */
    private String publishOrder(String lra, String customer, String amount, String order, String key) {
        topics.publish("order-events", key, lra, orderCreated(order, customer, amount));
        return order;
    }

    private static String orderCreated(String order, String customer, String amount) {
        return "{\"orderId\":\"" + order + "\",\"customerId\":\"" + customer + "\",\"amount\":" + amount
                + ",\"currency\":\"EUR\"}";
    }

    private String awaitOutcome(String order) {
        return await().atMost(DEADLINE).until(() -> topics.latest(order), Objects::nonNull).value();
    }
}
