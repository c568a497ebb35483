package io.k8saga.common.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml describes what the services really send: a message for every event type the code has, whose
 * schema a sample of the event (as the outbox writes it) validates against, on the channel of the topic the
 * services are configured with; every configured topic and its dead-letter topic are channels.
 */
class AsyncApiContractTest {

    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LRA = "http://localhost:8090/lra-coordinator/0_ffff7f000001_sample";

    private static JsonNode document;
    /** The configured topics by key (saga.topics.orders → order-events), from the three routes' settings. */
    private static Map<String, String> topics;

    @BeforeAll
    static void read() throws IOException {
        document = new YAMLMapper().readTree(REPO.resolve("docs/asyncapi.yaml").toFile());
        topics = new LinkedHashMap<>();
        for (String route : List.of("order-route", "credit-route", "payment-route")) {
            Properties settings = new Properties();
            try (Reader reader = Files.newBufferedReader(
                    REPO.resolve(route + "/src/main/resources/application.properties"))) {
                settings.load(reader);
            }
            settings.stringPropertyNames().stream().filter(key -> key.startsWith("saga.topics."))
                    .forEach(key -> topics.merge(key, settings.getProperty(key), (one, other) -> {
                        assertThat(other).as("%s is the same in every route", key).isEqualTo(one);
                        return one;
                    }));
        }
    }

    @Test
    void isAsyncApi3WithOneChannelPerConfiguredTopicAndItsDeadLetterTopic() {
        assertThat(document.path("asyncapi").asText()).isEqualTo("3.0.0");
        Set<String> addresses = new TreeSet<>();
        document.path("channels").forEach(channel -> addresses.add(channel.path("address").asText()));
        Set<String> expected = new TreeSet<>();
        topics.values().forEach(topic -> {
            expected.add(topic);
            expected.add(topic + ".dlq");
        });
        assertThat(addresses).isEqualTo(expected);
    }

    @Test
    void everyEventTypeHasAMessageOnItsTopicThatASampleValidatesAgainst() throws Exception {
        List<Sample> samples = samples();
        assertThat(samples.stream().map(sample -> sample.event().getClass()).distinct().map(Class::getSimpleName))
                .as("every record of the events package is sampled")
                .containsExactlyInAnyOrderElementsOf(eventRecords());

        for (Sample sample : samples) {
            JsonNode payload = JSON.valueToTree(sample.event());
            String name = payload.has("type") ? payload.get("type").asText() : sample.event().getClass().getSimpleName();
            JsonNode message = document.path("components").path("messages").path(name);
            assertThat(message.isObject()).as("message %s", name).isTrue();
            assertThat(channelsOf(name)).as("the topics of %s", name).containsExactly(topics.get(sample.topicKey()));

            assertThat(errors(message.path("payload"), payload)).as("%s against its schema", payload).isEmpty();
            ObjectNode headers = JSON.createObjectNode().put("Long-Running-Action", LRA).put("eventId", "e-1")
                    .put("eventType", sample.event().getClass().getSimpleName());
            assertThat(errors(message.path("headers"), headers)).as("headers of %s", name).isEmpty();
        }
    }

    @Test
    void theSchemasRefuseWhatTheServicesWouldRefuse() throws Exception {
        JsonNode created = document.path("components").path("messages").path("OrderCreated").path("payload");
        ObjectNode withoutOrderId = JSON.valueToTree(new OrderCreated(null, "c-1", BigDecimal.TEN, "EUR"));
        withoutOrderId.remove("orderId");
        ObjectNode withToken = JSON.valueToTree(new OrderCreated("o-1", "c-1", BigDecimal.TEN, "EUR"));
        withToken.put("paymentToken", "tok_ok");
        JsonNode reserved = document.path("components").path("messages").path("CreditReserved").path("payload");
        JsonNode exceeded = JSON.valueToTree(CreditEvent.of(CreditEvent.Type.CREDIT_LIMIT_EXCEEDED, order()));

        assertThat(errors(created, withoutOrderId)).isNotEmpty();
        assertThat(errors(created, withToken)).as("the token never rides on order-events").isNotEmpty();
        assertThat(errors(reserved, exceeded)).as("a refusal is no CreditReserved").isNotEmpty();
    }

    /** One event of every type, as the services build them, with the key of the topic each goes to. */
    private static List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        samples.add(new Sample(order(), "saga.topics.orders"));
        for (OrderOutcome.Decision decision : OrderOutcome.Decision.values()) {
            samples.add(new Sample(new OrderOutcome("o-1", decision), "saga.topics.orders"));
        }
        samples.add(new Sample(new PaymentRequested("o-1", "c-1", new BigDecimal("12.50"), "EUR", "tok_ok"),
                "saga.topics.payment-requests"));
        for (CreditEvent.Type type : CreditEvent.Type.values()) {
            samples.add(new Sample(CreditEvent.of(type, order()), "saga.topics.customers"));
        }
        for (PaymentEvent.Type type : PaymentEvent.Type.values()) {
            samples.add(new Sample(new PaymentEvent(type, "o-1", "p-1", new BigDecimal("12.50"), "EUR"),
                    "saga.topics.payments"));
        }
        return samples;
    }

    private static OrderCreated order() {
        return new OrderCreated("o-1", "c-1", new BigDecimal("12.50"), "EUR");
    }

    /** The simple names of the records in this package's main classes: the events the services exchange. */
    private static Set<String> eventRecords() throws Exception {
        Path classes = Path.of(OrderCreated.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve(OrderCreated.class.getPackageName().replace('.', '/'));
        Set<String> records = new HashSet<>();
        try (Stream<Path> files = Files.list(classes)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".class") && !name.contains("$")) {
                    Class<?> type = Class.forName(OrderCreated.class.getPackageName() + "."
                            + name.substring(0, name.length() - ".class".length()));
                    if (type.isRecord()) {
                        records.add(type.getSimpleName());
                    }
                }
            }
        }
        return records;
    }

    /** The addresses of the channels that carry the message. */
    private static List<String> channelsOf(String message) {
        List<String> addresses = new ArrayList<>();
        document.path("channels").forEach(channel -> channel.path("messages").forEach(reference -> {
            if (reference.path("$ref").asText().equals("#/components/messages/" + message)) {
                addresses.add(channel.path("address").asText());
            }
        }));
        return addresses;
    }

    /**
     * What is wrong with {@code instance} by {@code schema}, a schema of the document (its references into
     * components/schemas resolved as JSON Schema draft 7 definitions).
     */
    private static Set<String> errors(JsonNode schema, JsonNode instance) throws IOException {
        String definitions = JSON.writeValueAsString(document.path("components").path("schemas"));
        ObjectNode standalone = (ObjectNode) JSON.readTree(JSON.writeValueAsString(schema)
                .replace("#/components/schemas/", "#/definitions/"));
        standalone.set("definitions", JSON.readTree(definitions.replace("#/components/schemas/", "#/definitions/")));
        JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(standalone);
        Set<String> errors = new TreeSet<>();
        validator.validate(instance).forEach(error -> errors.add(error.getMessage()));
        return errors;
    }

    private record Sample(Object event, String topicKey) {
    }
}
