package io.k8saga.credit.route;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

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
 * credit-route against a real Kafka broker and the real LRA coordinator. The test plays order-route: it starts
 * LRAs on the coordinator, publishes OrderCreated with the LRA header, and closes or cancels the LRAs.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
class CreditSagaRouteTest {

    private static final String LRA_HEADER = "Long-Running-Action";
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @ConfigProperty(name = "camel.component.kafka.brokers")
    String brokers;

    @ConfigProperty(name = "camel.lra.coordinator-url")
    String coordinatorUrl;

    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> customerEvents;
    /** Every credit event seen so far, by order id. */
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
        customerEvents = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
        customerEvents.subscribe(List.of("customer-events"));
    }

    @AfterEach
    void disconnect() {
        producer.close();
        customerEvents.close();
    }

    @Test
    void reservesCreditAndKeepsItWhenTheSagaCompletes() {
        String customer = newCustomer(100);
        String lra = startLra();
        String order = publishOrder(lra, customer, "60.00");

        assertThat(awaitOutcome(order)).contains("\"type\":\"CreditReserved\"", "\"paymentToken\":\"tok_ok\"");
        assertCredit(customer, "60.0", "40.0");

        endLra(lra, "close");
        await().atMost(DEADLINE).until(() -> lraStatus(lra) == 404);
        assertCredit(customer, "60.0", "40.0");
    }

    @Test
    void compensationReleasesTheReservation() {
        String customer = newCustomer(100);
        String lra = startLra();
        String order = publishOrder(lra, customer, "70.00");
        assertThat(awaitOutcome(order)).contains("CreditReserved");

        endLra(lra, "cancel");

        await().atMost(DEADLINE).untilAsserted(() -> assertCredit(customer, "0.0", "100.0"));
    }

    @Test
    void refusesWhatExceedsTheLimitAndUnknownCustomers() {
        String customer = newCustomer(50);
        String tooMuch = publishOrder(startLra(), customer, "50.01");
        String unknown = publishOrder(startLra(), "nobody-" + UUID.randomUUID(), "1.00");

        assertThat(awaitOutcome(tooMuch)).contains("\"type\":\"CreditLimitExceeded\"");
        assertThat(awaitOutcome(unknown)).contains("\"type\":\"CustomerNotFound\"");
        assertCredit(customer, "0.0", "50.0");
    }

    @Test
    void aCompensationBeforeTheStepLeavesATombstoneSoTheLateStepReservesNothing() {
        String customer = newCustomer(100);
        String lra = startLra();
        String order = UUID.randomUUID().toString();
        // The coordinator only calls participants that joined, so the early compensation is sent as it would be.
        compensateDirectly(order);
        endLra(lra, "cancel");

        publishOrder(lra, customer, "10.00", order);
        String marker = publishOrder(startLra(), customer, "1.00");
        assertThat(awaitOutcome(marker)).contains("CreditReserved");

        assertThat(outcomes).doesNotContainKey(order);
        assertCredit(customer, "1.0", "99.0");
    }

    @Test
    void aReplayedOrderCreatedReservesOnce() {
        String customer = newCustomer(100);
        String lra = startLra();
        String order = UUID.randomUUID().toString();
        publishOrder(lra, customer, "30.00", order);
        publishOrder(lra, customer, "30.00", order);
        String marker = publishOrder(startLra(), customer, "1.00");

        awaitOutcome(marker);
        assertCredit(customer, "31.0", "69.0");
    }

    @Test
    void concurrentOrdersNeverReserveMoreThanTheLimit() {
        String customer = newCustomer(100);
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            orders.add(publishOrder(startLra(), customer, "10.00"));
        }

        orders.forEach(this::awaitOutcome);
        long reserved = orders.stream().filter(o -> outcomes.get(o).contains("CreditReserved")).count();
        assertThat(reserved).isEqualTo(10);
        assertCredit(customer, "100.0", "0.0");
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
        return publishOrder(lra, customer, amount, UUID.randomUUID().toString());
    }

    private String publishOrder(String lra, String customer, String amount, String order) {
        ProducerRecord<String, String> record = new ProducerRecord<>("order-events", order,
                "{\"orderId\":\"" + order + "\",\"customerId\":\"" + customer + "\",\"amount\":" + amount
                        + ",\"currency\":\"EUR\",\"paymentToken\":\"tok_ok\"}");
        record.headers().add(LRA_HEADER, lra.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish", e);
        }
        return order;
    }

    private String awaitOutcome(String order) {
        return await().atMost(DEADLINE).until(() -> {
            customerEvents.poll(Duration.ofMillis(200)).forEach(r -> outcomes.put(r.key(), r.value()));
            return outcomes.get(order);
        }, outcome -> outcome != null);
    }

    private String startLra() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(
                URI.create(coordinatorUrl + "/lra-coordinator/start?ClientID=credit-test&TimeLimit=60000"))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).isEqualTo(201);
        return response.headers().firstValue("Location").orElseThrow();
    }

    private void endLra(String lra, String how) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(lra + "/" + how))
                .PUT(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    private int lraStatus(String lra) {
        return send(HttpRequest.newBuilder(URI.create(lra + "/status")).GET().build()).statusCode();
    }

    /** Calls this service's compensation endpoint the way the coordinator does, for an order it never saw. */
    private void compensateDirectly(String order) {
        given().queryParam("Camel-Saga-Compensate", "direct://releaseCredit")
                .queryParam("orderId", order)
                .header(LRA_HEADER, coordinatorUrl + "/lra-coordinator/early-" + order)
                .put("/lra-participant/compensate")
                .then().statusCode(204);
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("coordinator unreachable", e);
        }
    }
}
