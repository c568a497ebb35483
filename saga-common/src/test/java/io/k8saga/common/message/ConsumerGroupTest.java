package io.k8saga.common.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8saga.testkit.LocalKafka;
import io.k8saga.testkit.ManagedProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services' consumer group membership against a real broker (a process, see testkit), with the settings the
 * services ship (saga-common's microprofile-config.properties) and the ids {@link StaticMembership} gives them: a
 * consumer killed as a crash would (SIGKILL, in a process of its own) and started again under its instance id reads
 * again within seconds, one killed for good is replaced once its session expires, and a graceful stop hands the
 * partitions over to the other replica at once.
 */
class ConsumerGroupTest {

    /** The target: events flow again at most this long after the restarted consumer is up. */
    private static final Duration READ_AGAIN_WITHIN = Duration.ofSeconds(5);
    private static final Duration START = Duration.ofSeconds(60);

    private static Path dir;
    private static LocalKafka kafka;
    private static KafkaProducer<String, String> producer;

    private final List<ManagedProcess> consumers = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws IOException {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "consumer-groups-");
        kafka = LocalKafka.start(dir.resolve("kafka"));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stopBroker() {
        producer.close();
        kafka.stop();
    }

    @AfterEach
    void stopConsumers() {
        consumers.forEach(ManagedProcess::stop);
    }

    @Test
    void aConsumerKilledAndStartedAgainUnderItsInstanceIdReadsAgainWithinSeconds() {
        String topic = "restarted-events";
        List<String> membership = membership(StaticMembership.instanceIds("credit-route", topic, 1).get(0));
        String first = startConsumer("before-the-kill", "restarted", topic, membership);
        send(topic, null, "read before the kill");
        awaitLine(first, ConsumerProcess.CONSUMED + "read before the kill", START);
        consumers.get(0).kill();

        String second = startConsumer("after-the-restart", "restarted", topic, membership);
        awaitLine(second, ConsumerProcess.READY, START);
        long ready = System.nanoTime();
        send(topic, null, "read after the restart");
        awaitLine(second, ConsumerProcess.CONSUMED + "read after the restart", START);
        Duration readAgain = Duration.ofNanos(System.nanoTime() - ready);

        System.out.printf("Restarted consumer read again %d ms after it was up%n", readAgain.toMillis());
        assertThat(readAgain).as("from the restarted consumer's start to its first record")
                .isLessThanOrEqualTo(READ_AGAIN_WITHIN);
    }

    @Test
    void aReplicaKilledForGoodIsReplacedOnceItsSessionExpires() throws Exception {
        String topic = "taken-over-events";
        String group = "taken-over";
        Duration session = Duration.ofMillis(Long.parseLong(shared("camel.component.kafka.session-timeout-ms")));
        Duration heartbeat = Duration.ofMillis(Long.parseLong(shared("camel.component.kafka.heartbeat-interval-ms")));
        String staying = startConsumer("surviving-replica", group, topic,
                membership(StaticMembership.instanceIds("saga-payment-route-b", topic, 1).get(0)));
        startConsumer("killed-replica", group, topic,
                membership(StaticMembership.instanceIds("saga-payment-route-a", topic, 1).get(0)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            await().atMost(START).until(() -> assignedMembers(admin, group).size() == 2);
        }
        consumers.get(1).kill();
        long killed = System.nanoTime();

        for (int partition = 0; partition < 3; partition++) {
            send(topic, partition, "after the kill, partition " + partition);
        }
        for (int partition = 0; partition < 3; partition++) {
            awaitLine(staying, ConsumerProcess.CONSUMED + "after the kill, partition " + partition, START);
        }
        Duration takenOver = Duration.ofNanos(System.nanoTime() - killed);
        System.out.printf("Partitions of a replica killed for good taken over after %d ms%n", takenOver.toMillis());
        // The bound docs/decisions.md gives: the session, then the survivor's next heartbeat and its rejoin.
        assertThat(takenOver).as("from the kill to the surviving replica reading every partition")
                .isLessThanOrEqualTo(session.plus(heartbeat).plusSeconds(2));
    }

    @Test
    void aGracefulStopLeavesTheGroupAndTheOtherReplicaTakesOverAtOnce() throws Exception {
        String topic = "handed-over-events";
        String group = "handed-over";
        String stayingId = StaticMembership.instanceIds("saga-credit-route-b", topic, 1).get(0);
        String stoppingId = StaticMembership.instanceIds("saga-credit-route-a", topic, 1).get(0);
        String staying = startConsumer("staying-replica", group, topic, membership(stayingId));
        awaitLine(staying, ConsumerProcess.READY, START);

        // The replica that stops: Camel with a static member and the departure, as EventConsumers sets them up.
        CamelContext camel = new DefaultCamelContext();
        KafkaComponent component = new KafkaComponent();
        KafkaConfiguration configuration = component.getConfiguration();
        configuration.setBrokers(kafka.bootstrapServers());
        configuration.setGroupId(group);
        configuration.setAutoOffsetReset("earliest");
        configuration.setSessionTimeoutMs(Integer.valueOf(shared("camel.component.kafka.session-timeout-ms")));
        configuration.setHeartbeatIntervalMs(Integer.valueOf(shared("camel.component.kafka.heartbeat-interval-ms")));
        camel.addComponent("kafka", component);
        camel.getManagementStrategy().addEventNotifier(new GroupDeparture(Duration.ofSeconds(3)));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kafka:" + topic + "?consumersCount=1&groupInstanceId=" + stoppingId).routeId("consume")
                        .log("${body}");
            }
        });
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            camel.start();
            await().atMost(START).until(() -> assignedMembers(admin, group).size() == 2);

            camel.stop();
            long stopped = System.nanoTime();
            assertThat(members(admin, group)).as("the stopped replica left the group")
                    .extracting(member -> member.groupInstanceId().orElse(""))
                    .containsExactly(stayingId);

            for (int partition = 0; partition < 3; partition++) {
                send(topic, partition, "after the stop, partition " + partition);
            }
            for (int partition = 0; partition < 3; partition++) {
                awaitLine(staying, ConsumerProcess.CONSUMED + "after the stop, partition " + partition, START);
            }
            Duration handedOver = Duration.ofNanos(System.nanoTime() - stopped);
            System.out.printf("Partitions handed over %d ms after the graceful stop%n", handedOver.toMillis());
            // The other replica learns of the rebalance with its next heartbeat; without the departure it would
            // wait for the stopped member's session to expire first.
            Duration heartbeat = Duration.ofMillis(Long.parseLong(
                    shared("camel.component.kafka.heartbeat-interval-ms")));
            assertThat(handedOver).as("from the stop to the other replica reading every partition")
                    .isLessThanOrEqualTo(heartbeat.plusSeconds(2));
        } finally {
            camel.close();
        }
    }

    /** The static membership settings the services' consumers run with, for one instance id. */
    private static List<String> membership(String instanceId) {
        return List.of("group.instance.id=" + instanceId,
                "session.timeout.ms=" + shared("camel.component.kafka.session-timeout-ms"),
                "heartbeat.interval.ms=" + shared("camel.component.kafka.heartbeat-interval-ms"));
    }

    /** A setting every service ships with, from saga-common's microprofile-config.properties. */
    private static String shared(String key) {
        Properties shared = new Properties();
        try (InputStream in = ConsumerGroupTest.class.getResourceAsStream("/META-INF/microprofile-config.properties")) {
            shared.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return shared.getProperty(key);
    }

    /** Starts a {@link ConsumerProcess}; returns its name, whose log is {@code dir/<name>.log}. */
    private String startConsumer(String name, String group, String topic, List<String> settings) {
        List<String> arguments = new ArrayList<>(List.of(kafka.bootstrapServers(), group, topic));
        arguments.addAll(settings);
        consumers.add(ManagedProcess.start(name, ManagedProcess.javaCommand(ConsumerProcess.class.getName(),
                arguments.toArray(String[]::new)), Map.of(), dir));
        return name;
    }

    private static void awaitLine(String consumer, String line, Duration deadline) {
        Path log = dir.resolve(consumer + ".log");
        await().atMost(deadline).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.exists(log) && Files.readAllLines(log).contains(line));
    }

    private static void send(String topic, Integer partition, String value) {
        try {
            producer.send(new ProducerRecord<>(topic, partition, null, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    private static List<MemberDescription> members(Admin admin, String group) throws Exception {
        return List.copyOf(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members());
    }

    private static List<MemberDescription> assignedMembers(Admin admin, String group) throws Exception {
        return members(admin, group).stream()
                .filter(member -> !member.assignment().topicPartitions().isEmpty()).toList();
    }
}
