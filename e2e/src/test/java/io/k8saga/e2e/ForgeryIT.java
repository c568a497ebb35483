package io.k8saga.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.LocalStack;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Callbacks nobody but the coordinator can send: a forged completion or compensation on each route's participant
 * path, for a real order, with its real LRA id or a made-up one, and with or without a made-up signature, is
 * refused with 403 and changes nothing. Events nobody can slip in: records produced with a plain producer (another
 * order's LRA, an unknown order, a foreign coordinator, a REJECTED outcome for an approved order) end on the
 * dead-letter topics, change nothing, and the partitions keep flowing. No topic but payment-requests, which only
 * payment-route reads, ever carries a payment token. Needs the routes' own ports and the broker, so only against the
 * local stack.
 */
@SystemTest
class ForgeryIT {

    /** Each route's compensation and completion endpoints, as Camel names them in the callback URLs. */
    private static final Map<String, List<String>> CALLBACKS = Map.of(
            "order-route", List.of("compensate?Camel-Saga-Compensate=direct://rejectOrder",
                    "complete?Camel-Saga-Complete=direct://approveOrder"),
            "credit-route", List.of("compensate?Camel-Saga-Compensate=direct://releaseCredit",
                    "complete?Camel-Saga-Complete=direct://confirmCredit"),
            "payment-route", List.of("compensate?Camel-Saga-Compensate=direct://voidPayment",
                    "complete?Camel-Saga-Complete=direct://capturePayment"));

    private final PublicApi api;
    private final SagaStack stack;

    ForgeryIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.stack = stack;
    }

    @Test
    void forgedCallbacksAreRefusedAndChangeNothing() {
        assumeTrue(stack.local().isPresent(),
                "calls the routes' participant paths, which only the local stack exposes");
        LocalStack local = stack.local().get();
        Customer customer = api.createCustomer("500.00");
        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "120.00", "tok_ok").orderId(),
                stack.settle());
        assertThat(order.status()).isEqualTo(Order.APPROVED);
        await("payment captured").atMost(stack.settle()).until(() -> "CAPTURED".equals(paymentStatus(order)));
        String madeUpLra = local.coordinatorUrl(0) + "/lra-coordinator/0_ffff7f000001_forged";

        for (Map.Entry<String, List<String>> route : CALLBACKS.entrySet()) {
            URI service = local.serviceUrl(route.getKey());
            for (String callback : route.getValue()) {
                for (String lra : List.of(order.sagaId(), madeUpLra)) {
                    for (String signature : List.of("", "&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")) {
                        given().baseUri(service.toString()).header("Long-Running-Action", lra)
                                .put("/lra-participant/" + callback + "&orderId=" + order.orderId() + signature)
                                .then().statusCode(403).contentType("application/problem+json");
                    }
                }
            }
        }

        // Nothing changed: the order is approved, its payment captured, its credit still reserved.
        assertThat(api.order(order.orderId()).status()).isEqualTo(Order.APPROVED);
        assertThat(paymentStatus(order)).isEqualTo("CAPTURED");
        Customer after = api.customer(customer.customerId());
        assertThat(after.creditReserved()).isEqualByComparingTo("120.00");
    }

    @Test
    void forgedEventsAreDeadLetteredChangeNothingAndThePartitionsKeepFlowing() throws Exception {
        assumeTrue(stack.local().isPresent(), "produces to the broker, which only the local stack exposes");
        LocalStack local = stack.local().get();
        Customer customer = api.createCustomer("1000.00");
        Order approved = api.awaitFinal(api.placeOrder(customer.customerId(), "100.00", "tok_ok").orderId(),
                stack.settle());
        Order other = api.awaitFinal(api.placeOrder(customer.customerId(), "10.00", "tok_ok").orderId(),
                stack.settle());
        assertThat(List.of(approved.status(), other.status())).containsOnly(Order.APPROVED);
        await("payment captured").atMost(stack.settle()).until(() -> "CAPTURED".equals(paymentStatus(approved)));
        String unknownOrder = "forged-" + UUID.randomUUID();
        String foreignLra = "http://attacker.example:8080/lra-coordinator/0_forged";

        Map<String, String> expected = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, local.kafkaBootstrap()),
                new StringSerializer(), new StringSerializer())) {
            // A decline for the approved order, under the LRA of another order.
            expected.put(forge(producer, "payment-events", approved.orderId(), other.sagaId(), "PaymentEvent",
                    "{\"type\":\"PaymentDeclined\",\"orderId\":\"" + approved.orderId()
                            + "\",\"paymentId\":\"p-forged\",\"amount\":100.00,\"currency\":\"EUR\"}"),
                    "payment-events.dlq");
            // A credit refusal for an order that does not exist, under a real LRA.
            expected.put(forge(producer, "customer-events", unknownOrder, other.sagaId(), "CreditEvent",
                    creditEvent("CreditLimitExceeded", unknownOrder, customer.customerId())), "customer-events.dlq");
            // Credit reserved again for the approved order, naming a coordinator that is none of ours.
            expected.put(forge(producer, "customer-events", approved.orderId(), foreignLra, "CreditEvent",
                    creditEvent("CreditReserved", approved.orderId(), customer.customerId())), "customer-events.dlq");
            // The approved order's own LRA, with the opposite decision.
            expected.put(forge(producer, "order-events", approved.orderId(), approved.sagaId(), "OrderOutcome",
                    "{\"orderId\":\"" + approved.orderId() + "\",\"decision\":\"REJECTED\"}"), "order-events.dlq");
        }

        try (KafkaConsumer<String, String> deadLetters = deadLetterReader(local)) {
            Map<String, String> found = new HashMap<>();
            await("every forged record dead-lettered").atMost(stack.settle().multipliedBy(2)).until(() -> {
                deadLetters.poll(Duration.ofMillis(200)).forEach(record -> {
                    Header eventId = record.headers().lastHeader("eventId");
                    if (eventId != null) {
                        found.put(new String(eventId.value(), StandardCharsets.UTF_8), record.topic());
                    }
                });
                return expected.entrySet().stream()
                        .allMatch(forged -> forged.getValue().equals(found.get(forged.getKey())));
            });
        }

        // Nothing changed: both orders approved, the payment captured, the credit of both still reserved.
        assertThat(api.order(approved.orderId()).status()).isEqualTo(Order.APPROVED);
        assertThat(paymentStatus(approved)).isEqualTo("CAPTURED");
        assertThat(api.customer(customer.customerId()).creditReserved()).isEqualByComparingTo("110.00");
        assertThat(api.request().get("/api/orders/" + unknownOrder).statusCode()).isEqualTo(404);
        // The partitions the forgeries went through keep flowing: new orders of every key end as they should.
        List<String> later = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            later.add(api.placeOrder(customer.customerId(), "1.00", "tok_ok").orderId());
        }
        for (String orderId : later) {
            assertThat(api.awaitFinal(orderId, stack.settle()).status()).isEqualTo(Order.APPROVED);
        }
    }

    @Test
    void thePaymentTokenTravelsOnPaymentRequestsAlone() {
        assumeTrue(stack.local().isPresent(), "reads the topics, which only the local stack exposes");
        LocalStack local = stack.local().get();
        Customer customer = api.createCustomer("100.00");
        String token = "tok_" + UUID.randomUUID().toString().replace("-", "");
        Order order = api.awaitFinal(api.placeOrder(customer.customerId(), "20.00", token).orderId(), stack.settle());
        assertThat(order.status()).isEqualTo(Order.APPROVED);

        List<String> topics = List.of("payment-requests", "order-events", "customer-events", "payment-events");
        Map<String, List<String>> recordsOfTheOrder = new HashMap<>();
        try (KafkaConsumer<String, String> reader = reader(local, topics)) {
            // Every topic has had its say once the order's outcome is out, the last record of its saga.
            await("the order's records on every topic").atMost(stack.settle()).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (order.orderId().equals(record.key())) {
                        recordsOfTheOrder.computeIfAbsent(record.topic(), topic -> new ArrayList<>())
                                .add(record.value());
                    }
                });
                return recordsOfTheOrder.keySet().containsAll(topics) && recordsOfTheOrder.get("order-events")
                        .stream().anyMatch(value -> value.contains("\"decision\""));
            });
        }

        assertThat(recordsOfTheOrder.get("payment-requests")).singleElement().asString().contains(token);
        for (String topic : topics.subList(1, topics.size())) {
            assertThat(recordsOfTheOrder.get(topic)).as("records of the order on %s", topic)
                    .noneMatch(value -> value.contains(token) || value.contains("paymentToken"));
        }
    }

    private static String forge(KafkaProducer<String, String> producer, String topic, String key, String lra,
            String type, String json) throws Exception {
        String eventId = UUID.randomUUID().toString();
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, json);
        record.headers().add("eventId", eventId.getBytes(StandardCharsets.UTF_8));
        record.headers().add("eventType", type.getBytes(StandardCharsets.UTF_8));
        record.headers().add("Long-Running-Action", lra.getBytes(StandardCharsets.UTF_8));
        producer.send(record).get();
        return eventId;
    }

    private static String creditEvent(String type, String orderId, String customerId) {
        return "{\"type\":\"" + type + "\",\"orderId\":\"" + orderId + "\",\"customerId\":\"" + customerId
                + "\",\"amount\":100.00,\"currency\":\"EUR\"}";
    }

    private static KafkaConsumer<String, String> deadLetterReader(LocalStack local) {
        return reader(local, List.of("payment-events.dlq", "customer-events.dlq", "order-events.dlq"));
    }

    /** A consumer of a group of its own, from the topics' first records. */
    private static KafkaConsumer<String, String> reader(LocalStack local, List<String> topics) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, local.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "forgery-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(topics);
        return consumer;
    }

    private String paymentStatus(Order order) {
        return api.payments(order.orderId()).stream().map(payment -> payment.status()).findFirst().orElse(null);
    }
}
