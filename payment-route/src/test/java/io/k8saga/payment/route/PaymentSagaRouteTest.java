package io.k8saga.payment.route;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import io.k8saga.testkit.SagaInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * payment-route against a real Kafka broker and the real LRA coordinator. The test plays order-route and
 * credit-route: it starts LRAs, publishes CreditReserved with the LRA header, and closes or cancels the LRAs.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
class PaymentSagaRouteTest {

    private static final String LRA_HEADER = "Long-Running-Action";
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @ConfigProperty(name = "camel.component.kafka.brokers")
    String brokers;

    @ConfigProperty(name = "camel.lra.coordinator-url")
    String coordinatorUrl;

    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> paymentEvents;
    /** Every payment event seen so far, by order id. */
    private final ConcurrentMap<String, String> outcomes = new ConcurrentHashMap<>();

    @BeforeEach
    void connect() {
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        paymentEvents = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
        paymentEvents.subscribe(List.of("payment-events"));
    }

    @AfterEach
    void disconnect() {
        producer.close();
        paymentEvents.close();
    }

    @Test
    void authorizesThenCapturesWhenTheSagaCompletes() {
        String lra = startLra();
        String order = publishCreditReserved(lra, "250.00", "tok_ok");

        assertThat(awaitOutcome(order)).contains("\"type\":\"PaymentAuthorized\"", "\"amount\":250.00");
        assertPayment(order, "AUTHORIZED");

        endLra(lra, "close");
        await().atMost(DEADLINE).untilAsserted(() -> assertPayment(order, "CAPTURED"));
    }

    @Test
    void compensationVoidsAnAuthorizedPayment() {
        String lra = startLra();
        String order = publishCreditReserved(lra, "40.00", "tok_ok");
        assertThat(awaitOutcome(order)).contains("PaymentAuthorized");

        endLra(lra, "cancel");

        await().atMost(DEADLINE).untilAsserted(() -> assertPayment(order, "VOIDED"));
    }

    @Test
    void declinesTheDeclinedTokenAndAmountsOverTheMaximum() {
        String token = publishCreditReserved(startLra(), "10.00", "tok_declined");
        String tooMuch = publishCreditReserved(startLra(), "10000.01", "tok_ok");
        String justRight = publishCreditReserved(startLra(), "10000.00", "tok_ok");

        assertThat(awaitOutcome(token)).contains("\"type\":\"PaymentDeclined\"");
        assertThat(awaitOutcome(tooMuch)).contains("\"type\":\"PaymentDeclined\"");
        assertThat(awaitOutcome(justRight)).contains("\"type\":\"PaymentAuthorized\"");
        assertPayment(token, "DECLINED");
        assertPayment(tooMuch, "DECLINED");
    }

    @Test
    void otherCreditOutcomesAreIgnored() {
        String order = UUID.randomUUID().toString();
        publish(startLra(), order, creditEvent("CreditLimitExceeded", order, "10.00", "tok_ok"));
        String marker = publishCreditReservedBehind(order);

        awaitOutcome(marker);
        assertThat(outcomes).doesNotContainKey(order);
        given().queryParam("orderId", order).get("/api/payments").then().statusCode(200).body("$", hasSize(0));
    }

    @Test
    void aCompensationBeforeTheStepLeavesATombstoneSoTheLateStepPaysNothing() {
        String lra = startLra();
        String order = UUID.randomUUID().toString();
        given().queryParam("Camel-Saga-Compensate", "direct://voidPayment")
                .queryParam("orderId", order)
                .header(LRA_HEADER, lra)
                .put("/lra-participant/compensate")
                .then().statusCode(204);

        publish(lra, order, creditEvent("CreditReserved", order, "10.00", "tok_ok"));
        String marker = publishCreditReservedBehind(order);
        awaitOutcome(marker);

        assertThat(outcomes).doesNotContainKey(order);
        given().queryParam("orderId", order).get("/api/payments").then().body("$", hasSize(0));
    }

    @Test
    void aReplayedCreditReservedAuthorizesOnce() {
        String lra = startLra();
        String order = publishCreditReserved(lra, "30.00", "tok_ok");
        String first = awaitOutcome(order);
        outcomes.remove(order);
        publish(lra, order, creditEvent("CreditReserved", order, "30.00", "tok_ok"));

        assertThat(awaitOutcome(order)).isEqualTo(first);
        given().queryParam("orderId", order).get("/api/payments").then().body("$", hasSize(1));
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

    private String publishCreditReserved(String lra, String amount, String token) {
        String order = UUID.randomUUID().toString();
        publish(lra, order, creditEvent("CreditReserved", order, amount, token));
        return order;
    }

    /** A new order published with an earlier order's Kafka key: it is consumed after that earlier event. */
    private String publishCreditReservedBehind(String earlierOrder) {
        String order = UUID.randomUUID().toString();
        publish(startLra(), earlierOrder, creditEvent("CreditReserved", order, "1.00", "tok_ok"));
        return order;
    }

    private void publish(String lra, String key, String json) {
        ProducerRecord<String, String> record = new ProducerRecord<>("customer-events", key, json);
        record.headers().add(LRA_HEADER, lra.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish", e);
        }
    }

    private static String creditEvent(String type, String order, String amount, String token) {
        return "{\"type\":\"" + type + "\",\"orderId\":\"" + order + "\",\"customerId\":\"c-1\",\"amount\":"
                + amount + ",\"currency\":\"EUR\",\"paymentToken\":\"" + token + "\"}";
    }

    private String awaitOutcome(String order) {
        return await().atMost(DEADLINE).until(() -> {
            paymentEvents.poll(Duration.ofMillis(200)).forEach(r -> outcomes.put(r.key(), r.value()));
            return outcomes.get(order);
        }, outcome -> outcome != null);
    }

    private String startLra() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                URI.create(coordinatorUrl + "/lra-coordinator/start?ClientID=payment-test&TimeLimit=60000"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).isEqualTo(201);
        return response.headers().firstValue("Location").orElseThrow();
    }

    private void endLra(String lra, String how) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(lra + "/" + how))
                .PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("coordinator unreachable", e);
        }
    }
}
