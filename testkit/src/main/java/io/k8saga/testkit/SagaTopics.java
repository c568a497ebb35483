package io.k8saga.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Lets a component test stand in for the other services: it publishes JSON events carrying the LRA id in the
 * {@code Long-Running-Action} header, and reads what the service under test published on one topic, by key.
 * Open one per test and close it afterwards.
 */
public final class SagaTopics implements AutoCloseable {

    public static final String LRA_HEADER = "Long-Running-Action";
    public static final String EVENT_ID_HEADER = "eventId";
    public static final String EVENT_TYPE_HEADER = "eventType";

    private final KafkaProducer<String, String> producer;
    private final KafkaConsumer<String, String> consumer;
    private final Map<String, ConsumerRecord<String, String>> seen = new ConcurrentHashMap<>();
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    /** Connects to the broker SagaInfraResource started and follows {@code watchedTopic} from its start. */
    public SagaTopics(String watchedTopic) {
        String brokers = SagaInfraResource.bootstrapServers();
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer());

        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        // A fresh group reading from the earliest offset sees every record, however early the test subscribes.
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(watchedTopic));
    }

    /**
     * Publishes an event with a new event id and waits for the broker's acknowledgement, so the record is there
     * when this returns.
     */
    public void publish(String topic, String key, String lraId, String json) {
        publish(topic, key, lraId, json, UUID.randomUUID().toString());
    }

    /** Publishes with the given event id (null: none), e.g. to deliver the same event twice. */
    public void publish(String topic, String key, String lraId, String json, String eventId) {
        send(topic, key, json, Map.of(LRA_HEADER, lraId), eventId);
    }

    /**
     * Publishes an {@code OrderOutcome} for the order on order-events, with the order's LRA in its header, as
     * order-route does when an order is final.
     */
    public void publishOrderOutcome(String orderId, String lraId, String decision) {
        send("order-events", orderId, "{\"orderId\":\"" + orderId + "\",\"decision\":\"" + decision + "\"}",
                Map.of(EVENT_TYPE_HEADER, "OrderOutcome", LRA_HEADER, lraId), UUID.randomUUID().toString());
    }

    private void send(String topic, String key, String json, Map<String, String> headers, String eventId) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, json);
        headers.forEach((name, value) -> record.headers().add(name, value.getBytes(StandardCharsets.UTF_8)));
        if (eventId != null) {
            record.headers().add(EVENT_ID_HEADER, eventId.getBytes(StandardCharsets.UTF_8));
        }
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic, e);
        }
    }

    /**
     * Polls the watched topic once and returns the latest record seen with this key, or null. Meant to be called
     * from an Awaitility condition.
     */
    public ConsumerRecord<String, String> latest(String key) {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> {
            seen.put(record.key(), record);
            counts.merge(record.key(), 1, Integer::sum);
        });
        return seen.get(key);
    }

    /** How many records with this key the watched topic held so far (as of the last {@link #latest} call). */
    public int count(String key) {
        return counts.getOrDefault(key, 0);
    }

    /** The value of a header of a record, or null. */
    public static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Forgets what was seen for a key, to wait for a later record with it. */
    public void forget(String key) {
        seen.remove(key);
        counts.remove(key);
    }

    public boolean hasSeen(String key) {
        return seen.containsKey(key);
    }

    @Override
    public void close() {
        producer.close();
        consumer.close();
    }
}
