package io.k8saga.payment.route;

import static io.k8saga.testkit.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.k8saga.common.api.OpenApiDocument;
import io.k8saga.common.lra.CallbackSignatures;
import io.k8saga.payment.repository.PaymentRequestRepository;
import io.k8saga.testkit.LraClient;
import io.k8saga.testkit.SagaInfraResource;
import io.k8saga.testkit.SagaTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * payment-route against a real Kafka broker and the real LRA coordinator. The test plays order-route and
 * credit-route: it starts LRAs, publishes PaymentRequested and CreditReserved with the LRA header, and closes or
 * cancels the LRAs.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
class PaymentSagaRouteTest {

    @Inject
    OpenApiDocument openApi;

    @Test
    void servesItsPartOfTheOpenApiDocumentWhichListsEveryRestRouteAndNoOther() {
        assertThat(openApi.served()).isEqualTo(openApi.documented()).isNotEmpty();
        String served = given().get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(served).contains("operationId: \"findPayments\"", "operationId: \"findPayments\"");
    }

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private SagaTopics topics;

    @Inject
    CallbackSignatures signatures;

    @Inject
    PaymentRequestRepository requests;

    @BeforeEach
    void connect() {
        topics = new SagaTopics("payment-events");
    }

    @AfterEach
    void disconnect() {
        topics.close();
    }

    @Test
    void authorizesThenCapturesWhenTheSagaCompletes() {
        String lra = LraClient.start();
        String order = publishCreditReserved(lra, "250.00", "tok_ok");

        assertThat(awaitOutcome(order)).contains("\"type\":\"PaymentAuthorized\"", "\"amount\":250.00");
        assertPayment(order, "AUTHORIZED");

        LraClient.close(lra);
        await().atMost(DEADLINE).untilAsserted(() -> assertPayment(order, "CAPTURED"));
    }

    @Test
    void theOrdersOutcomeSettlesThePaymentWithoutTheCoordinatorsCallback() {
        String approvedLra = LraClient.start();
        String rejectedLra = LraClient.start();
        String approved = publishCreditReserved(approvedLra, "25.00", "tok_ok");
        String rejected = publishCreditReserved(rejectedLra, "26.00", "tok_ok");
        awaitOutcome(approved);
        awaitOutcome(rejected);

        // The LRAs stay open: only order-route's OrderOutcome events settle the payments.
        topics.publishOrderOutcome(approved, approvedLra, "APPROVED");
        topics.publishOrderOutcome(rejected, rejectedLra, "REJECTED");

        await().atMost(DEADLINE).untilAsserted(() -> assertPayment(approved, "CAPTURED"));
        await().atMost(DEADLINE).untilAsserted(() -> assertPayment(rejected, "VOIDED"));
    }

    @Test
    void aRejectedOutcomeRefundsAPaymentTheCloseHadCaptured() {
        // As after a crash of order-route: the close reached this service, then the saga was cancelled after all.
        String lra = LraClient.start();
        String order = publishCreditReserved(lra, "30.00", "tok_ok");
        awaitOutcome(order);
        LraClient.close(lra);
        await().atMost(DEADLINE).untilAsserted(() -> assertPayment(order, "CAPTURED"));

        topics.publishOrderOutcome(order, lra, "REJECTED");

        await().atMost(DEADLINE).untilAsserted(() -> assertPayment(order, "REFUNDED"));
    }

    @Test
    void anOutcomeOfAnotherSagaOrAgainstAnEarlierOutcomeIsDeadLetteredAndChangesNothing() {
        String lra = LraClient.start();
        String order = publishCreditReserved(lra, "35.00", "tok_ok");
        awaitOutcome(order);

        try (SagaTopics deadLetters = new SagaTopics("order-events.dlq")) {
            // Another LRA than the one the step joined: the authorization stays held.
            topics.publishOrderOutcome(order, LraClient.start(), "REJECTED");
            await().atMost(DEADLINE).until(() -> deadLetters.latest(order) != null);
            assertPayment(order, "AUTHORIZED");

            topics.publishOrderOutcome(order, lra, "APPROVED");
            await().atMost(DEADLINE).untilAsserted(() -> assertPayment(order, "CAPTURED"));
            // An approved order is never rejected after: a REJECTED outcome now must not refund the payment.
            String first = SagaTopics.header(deadLetters.latest(order), "deadLetterReason");
            topics.publishOrderOutcome(order, lra, "REJECTED");
            await().atMost(DEADLINE).until(() -> !first.equals(SagaTopics.header(deadLetters.latest(order),
                    "deadLetterReason")));
            assertThat(SagaTopics.header(deadLetters.latest(order), "deadLetterReason")).contains("APPROVED already");
        }
        assertPayment(order, "CAPTURED");
    }

    @Test
    void aCallbackOfAnLraTheOrderLeftChangesNothing() {
        // As after a coordinator lost the order's first LRA: the step joined the order's new saga since.
        String lostLra = LraClient.start();
        String order = publishCreditReserved(lostLra, "15.00", "tok_ok");
        awaitOutcome(order);
        String newLra = LraClient.start();
        publish(newLra, order, creditEvent("CreditReserved", order, "15.00"));
        // The step reports its (same) payment again, now in the new saga.
        await().atMost(DEADLINE).until(() -> topics.latest(order) != null
                && newLra.equals(SagaTopics.header(topics.latest(order), SagaTopics.LRA_HEADER)));

        given().queryParam("Camel-Saga-Compensate", "direct://voidPayment")
                .queryParam("orderId", order)
                .queryParam(CallbackSignatures.PARAMETER, signatures.sign(lostLra, order))
                .header(SagaTopics.LRA_HEADER, lostLra)
                .put("/lra-participant/compensate")
                .then().statusCode(204);
        assertPayment(order, "AUTHORIZED");

        LraClient.close(newLra);
        await().atMost(DEADLINE).untilAsserted(() -> assertPayment(order, "CAPTURED"));
    }

    @Test
    void compensationVoidsAnAuthorizedPayment() {
        String lra = LraClient.start();
        String order = publishCreditReserved(lra, "40.00", "tok_ok");
        assertThat(awaitOutcome(order)).contains("PaymentAuthorized");

        LraClient.cancel(lra);

        await().atMost(DEADLINE).untilAsserted(() -> assertPayment(order, "VOIDED"));
    }

    @Test
    void declinesTheDeclinedTokenAndAmountsOverTheMaximum() {
        String token = publishCreditReserved(LraClient.start(), "10.00", "tok_declined");
        String tooMuch = publishCreditReserved(LraClient.start(), "10000.01", "tok_ok");
        String justRight = publishCreditReserved(LraClient.start(), "10000.00", "tok_ok");

        assertThat(awaitOutcome(token)).contains("\"type\":\"PaymentDeclined\"");
        assertThat(awaitOutcome(tooMuch)).contains("\"type\":\"PaymentDeclined\"");
        assertThat(awaitOutcome(justRight)).contains("\"type\":\"PaymentAuthorized\"");
        assertPayment(token, "DECLINED");
        assertPayment(tooMuch, "DECLINED");
    }

    @Test
    void otherCreditOutcomesAreIgnored() {
        String order = UUID.randomUUID().toString();
        publish(LraClient.start(), order, creditEvent("CreditLimitExceeded", order, "10.00"));
        String marker = publishCreditReservedBehind(order);

        awaitOutcome(marker);
        assertThat(topics.hasSeen(order)).isFalse();
        given().queryParam("orderId", order).get("/api/payments").then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void aCompensationBeforeTheStepLeavesATombstoneSoTheLateStepPaysNothing() {
        String lra = LraClient.start();
        String order = UUID.randomUUID().toString();
        given().queryParam("Camel-Saga-Compensate", "direct://voidPayment")
                .queryParam("orderId", order)
                .queryParam(CallbackSignatures.PARAMETER, signatures.sign(lra, order))
                .header(SagaTopics.LRA_HEADER, lra)
                .put("/lra-participant/compensate")
                .then().statusCode(204);

        requestPayment(lra, order, "10.00", "tok_ok");
        publish(lra, order, creditEvent("CreditReserved", order, "10.00"));
        String marker = publishCreditReservedBehind(order);
        awaitOutcome(marker);

        assertThat(topics.hasSeen(order)).isFalse();
        given().queryParam("orderId", order).get("/api/payments").then().body("$", hasSize(0));
    }

    @Test
    void aReplayedCreditReservedAuthorizesOnce() {
        String lra = LraClient.start();
        String order = publishCreditReserved(lra, "30.00", "tok_ok");
        String first = awaitOutcome(order);
        topics.forget(order);
        publish(lra, order, creditEvent("CreditReserved", order, "30.00"));

        assertThat(awaitOutcome(order)).isEqualTo(first);
        given().queryParam("orderId", order).get("/api/payments").then().body("$", hasSize(1));
    }

    @Test
    void theTokenComesOnPaymentRequestsAloneAndIsForgottenOnceUsed() {
        String order = publishCreditReserved(LraClient.start(), "12.00", "tok_declined");

        assertThat(awaitOutcome(order)).contains("\"type\":\"PaymentDeclined\"").doesNotContain("tok_");
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(requests.find(order)).hasValueSatisfying(
                request -> assertThat(request.paymentToken()).isNull()));
    }

    @Test
    void aReservationBeforeItsPaymentRequestIsParkedWithoutHoldingThePartition() {
        String lra = LraClient.start();
        String order = UUID.randomUUID().toString();
        publish(lra, order, creditEvent("CreditReserved", order, "15.00"));
        // Same key, so behind the waiting reservation on its partition: it goes through all the same.
        String marker = publishCreditReservedBehind(order);
        awaitOutcome(marker);
        assertThat(topics.hasSeen(order)).isFalse();

        requestPayment(lra, order, "15.00", "tok_ok");

        assertThat(awaitOutcome(order)).contains("\"type\":\"PaymentAuthorized\"", "\"amount\":15.00");
        assertPayment(order, "AUTHORIZED");
    }

    @Test
    void aReservationThatDisagreesWithThePaymentRequestIsADeadLetterAndPaysNothing() {
        try (SagaTopics deadLetters = new SagaTopics("customer-events.dlq")) {
            String lra = LraClient.start();
            String order = UUID.randomUUID().toString();
            requestPayment(lra, order, "15.00", "tok_ok");
            publish(lra, order, creditEvent("CreditReserved", order, "1500.00"));

            await().atMost(DEADLINE).until(() -> deadLetters.latest(order), Objects::nonNull);
            assertThat(SagaTopics.header(deadLetters.latest(order), "deadLetterReason"))
                    .contains("disagrees with the order's payment request");
            given().queryParam("orderId", order).get("/api/payments").then().body("$", hasSize(0));
        }
    }

    @Test
    void aMalformedPaymentRequestIsADeadLetter() {
        try (SagaTopics deadLetters = new SagaTopics("payment-requests.dlq")) {
            String order = UUID.randomUUID().toString();
            topics.publish("payment-requests", order, LraClient.start(), "{\"orderId\":\"" + order
                    + "\",\"customerId\":\"c-1\",\"amount\":-3,\"currency\":\"EUR\",\"paymentToken\":\"tok_ok\"}");

            await().atMost(DEADLINE).until(() -> deadLetters.latest(order), Objects::nonNull);
            assertThat(SagaTopics.header(deadLetters.latest(order), "deadLetterReason"))
                    .contains("malformed PaymentRequested").doesNotContain("tok_ok");
            assertThat(requests.find(order)).isEmpty();
        }
    }

    @Test
    void listingNeedsAnOrderId() {
        given().get("/api/payments").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("field", equalTo("orderId"));
    }

    private void assertPayment(String order, String status) {
        given().queryParam("orderId", order).get("/api/payments").then()
                .statusCode(200)
                .body("$", hasSize(1))
                .body("[0].status", equalTo(status));
    }

    /** A new order's payment request, then credit reserved for it: what order-route and credit-route send. */
    private String publishCreditReserved(String lra, String amount, String token) {
        String order = UUID.randomUUID().toString();
        requestPayment(lra, order, amount, token);
        publish(lra, order, creditEvent("CreditReserved", order, amount));
        return order;
    }

    /** A new order published with an earlier order's Kafka key: it is consumed after that earlier event. */
    private String publishCreditReservedBehind(String earlierOrder) {
        String lra = LraClient.start();
        String order = UUID.randomUUID().toString();
        requestPayment(lra, order, "1.00", "tok_ok");
        publish(lra, earlierOrder, creditEvent("CreditReserved", order, "1.00"));
        return order;
    }

    private void requestPayment(String lra, String order, String amount, String token) {
        topics.publish("payment-requests", order, lra, "{\"orderId\":\"" + order + "\",\"customerId\":\"c-1\","
                + "\"amount\":" + amount + ",\"currency\":\"EUR\",\"paymentToken\":\"" + token + "\"}");
    }

    private void publish(String lra, String key, String json) {
        topics.publish("customer-events", key, lra, json);
    }

    private static String creditEvent(String type, String order, String amount) {
        return "{\"type\":\"" + type + "\",\"orderId\":\"" + order + "\",\"customerId\":\"c-1\",\"amount\":"
                + amount + ",\"currency\":\"EUR\"}";
    }

    private String awaitOutcome(String order) {
        return await().atMost(DEADLINE).until(() -> topics.latest(order), Objects::nonNull).value();
    }
}
