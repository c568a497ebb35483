package io.k8saga.order.route;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.k8saga.testkit.SagaInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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

    private static final String LRA_HEADER = "Long-Running-Action";
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @ConfigProperty(name = "camel.component.kafka.brokers")
    String brokers;

    @ConfigProperty(name = "camel.lra.coordinator-url")
    String coordinatorUrl;

    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> orderEvents;

    @BeforeEach
    void connect() {
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        orderEvents = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
        orderEvents.subscribe(List.of("order-events"));
    }

    @AfterEach
    void disconnect() {
        producer.close();
        orderEvents.close();
    }

    @Test
    void placingAnOrderStartsASagaAndPublishesOrderCreatedWithTheLraHeader() {
        String orderId = placeOrder("{\"customerId\":\"c-1\",\"amount\":12.5}");
        String sagaId = sagaIdOf(orderId);

        ConsumerRecord<String, String> event = awaitOrderCreated(orderId);
        assertThat(new String(event.headers().lastHeader(LRA_HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo(sagaId);
        assertThat(event.value()).contains("\"customerId\":\"c-1\"", "\"amount\":12.50", "\"currency\":\"EUR\"",
                "\"paymentToken\":\"tok_ok\"");
        assertThat(coordinatorStatus(sagaId)).isEqualTo(200);
    }

    @Test
    void paymentAuthorizedClosesTheSagaAndApprovesTheOrder() {
        String orderId = placeOrder("{\"customerId\":\"c-2\",\"amount\":20}");
        String sagaId = sagaIdOf(orderId);

        publish("payment-events", orderId, sagaId, "{\"type\":\"PaymentAuthorized\",\"orderId\":\"" + orderId
                + "\",\"paymentId\":\"p-1\",\"amount\":20.00,\"currency\":\"EUR\"}");

        awaitStatus(orderId, "APPROVED");
        given().get("/api/orders/" + orderId).then().body("rejectionReason", equalTo(null));
        await().atMost(DEADLINE).until(() -> coordinatorStatus(sagaId) == 404);
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
        assertThat(coordinatorStatus(sagaId)).isEqualTo(200);
    }

    @Test
    void aSagaNobodyAnswersTimesOut() {
        // saga.timeout is 5s in the test profile
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
        List<ConsumerRecord<String, String>> seen = new ArrayList<>();
        return await().atMost(DEADLINE).until(() -> {
            orderEvents.poll(Duration.ofMillis(200)).forEach(seen::add);
            return seen.stream().filter(r -> orderId.equals(r.key())).findFirst().orElse(null);
        }, record -> record != null);
    }

    private void publish(String topic, String key, String sagaId, String json) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, json);
        record.headers().add(LRA_HEADER, sagaId.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    private static String creditEvent(String type, String orderId) {
        return "{\"type\":\"" + type + "\",\"orderId\":\"" + orderId + "\",\"customerId\":\"c\",\"amount\":20.00,"
                + "\"currency\":\"EUR\",\"paymentToken\":\"tok_ok\"}";
    }

    /** 200 while the coordinator still knows the LRA, 404 once it has ended. */
    private static int coordinatorStatus(String sagaId) {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(sagaId + "/status")).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode();
        } catch (Exception e) {
            throw new IllegalStateException("coordinator unreachable", e);
        }
    }
}
