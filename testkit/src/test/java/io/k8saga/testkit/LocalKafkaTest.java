package io.k8saga.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Starts a real broker from the kafka-broker module and talks to it with plain kafka-clients. */
class LocalKafkaTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** Held so the level sticks: kafka-clients logs every step of a group join at INFO. */
    private static final Logger KAFKA_CLIENTS_LOG = Logger.getLogger("org.apache.kafka");

    @BeforeAll
    static void quietKafkaClients() {
        KAFKA_CLIENTS_LOG.setLevel(Level.WARNING);
    }

    @Test
    void brokerDeliversARecordThroughAConsumerGroupAndFreesItsPortWhenStopped() throws Exception {
        Path workDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "local-kafka-test-");
        LocalKafka kafka = LocalKafka.start(workDir);
        try {
            // The topic does not exist yet: auto-creation is part of what the template promises.
            String topic = "testkit-smoke";
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, "order-1", "OrderCreated"))
                        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }

            // A subscribed group needs __consumer_offsets, which only works with the single-node settings.
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "testkit-smoke",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                ConsumerRecord<String, String> received = pollOne(consumer);
                assertEquals("order-1", received.key());
                assertEquals("OrderCreated", received.value());
            }
        } finally {
            kafka.stop();
        }
        assertFalse(ManagedProcess.isOpen(kafka.port()), "the broker port still accepts connections after stop()");
    }

    private static ConsumerRecord<String, String> pollOne(KafkaConsumer<String, String> consumer) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() - deadline < 0) {
            ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
            if (!records.isEmpty()) {
                return records.iterator().next();
            }
        }
        return fail("no record received within " + DEADLINE);
    }
}
