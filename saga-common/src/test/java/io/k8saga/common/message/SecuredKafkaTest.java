package io.k8saga.common.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.k8saga.testkit.LocalKafka;
import io.k8saga.testkit.ManagedProcess;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service's Kafka clients, secured by {@link KafkaSecurity}, against a real broker that wants what a production
 * cluster should: SASL/SCRAM-SHA-512 over TLS (a self-signed certificate the clients trust as a PEM file), and ACLs
 * with nothing allowed that is not granted. Each principal gets exactly the ACLs helm/saga/README.md lists ("Kafka
 * security"): the topics Job's can create the topics, and credit-route's can consume its topic in its group, publish
 * its own topic and dead-letter what it consumes, and take its static members out of its group when it stops, and
 * nothing else. A wrong password is refused.
 */
class SecuredKafkaTest {

    private static final Duration START = Duration.ofSeconds(60);
    private static final String ADMIN_PASSWORD = "admin-secret";
    private static final String STORE_PASSWORD = "broker-store";
    /** Quotes, a backslash and a semicolon: the JAAS line the service writes must carry them as they are. */
    private static final String CREDIT_PASSWORD = "cr\"ed\\it;route=1";
    private static final String TOPICS_PASSWORD = "topics-job-secret";
    private static final List<String> TOPICS = List.of("order-events", "customer-events", "payment-events",
            "order-events.dlq", "customer-events.dlq", "payment-events.dlq");

    private static Path dir;
    private static LocalKafka kafka;
    private static Admin admin;

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "secured-kafka-")
                .toAbsolutePath();
        Path keystore = dir.resolve("broker.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        // A self-signed broker certificate for 127.0.0.1, which the clients trust as their CA (a PEM file).
        ManagedProcess.run("keytool-genkeypair", List.of(keytool, "-genkeypair", "-alias", "broker", "-keyalg", "RSA",
                "-keysize", "2048", "-validity", "2", "-dname", "CN=localhost",
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", STORE_PASSWORD), Map.of(), dir, START);
        ManagedProcess.run("keytool-exportcert", List.of(keytool, "-exportcert", "-rfc", "-alias", "broker",
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD, "-file",
                dir.resolve("ca.pem").toString()), Map.of(), dir, START);

        Map<String, String> secured = new LinkedHashMap<>();
        secured.put("listeners", "SASL_SSL://127.0.0.1:@KAFKA_PORT@,CONTROLLER://127.0.0.1:@CONTROLLER_PORT@");
        secured.put("advertised.listeners", "SASL_SSL://127.0.0.1:@KAFKA_PORT@");
        secured.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
        secured.put("inter.broker.listener.name", "SASL_SSL");
        secured.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
        secured.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
        secured.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                KafkaSecurity.jaasConfig("SCRAM-SHA-512", "admin", ADMIN_PASSWORD));
        secured.put("ssl.keystore.type", "PKCS12");
        secured.put("ssl.keystore.location", keystore.toString());
        secured.put("ssl.keystore.password", STORE_PASSWORD);
        // Its own client side (inter-broker) trusts the same certificate, which the broker checks at start.
        secured.put("ssl.truststore.type", "PEM");
        secured.put("ssl.truststore.location", dir.resolve("ca.pem").toString());
        secured.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The controller listener is plaintext on loopback: the broker part reaches the controller part as ANONYMOUS.
        secured.put("super.users", "User:admin;User:ANONYMOUS");
        secured.put("auto.create.topics.enable", "false");
        kafka = LocalKafka.start(dir.resolve("kafka"), secured,
                List.of("--add-scram", "SCRAM-SHA-512=[name=admin,password=" + ADMIN_PASSWORD + "]"));

        admin = Admin.create(clientSettings(security("admin", ADMIN_PASSWORD)));
        admin.alterUserScramCredentials(List.of(scramUser("credit-route", CREDIT_PASSWORD),
                scramUser("saga-topics", TOPICS_PASSWORD))).all().get();
        // The ACLs exactly as the chart's README creates them with kafka-acls.sh (kafka.admin.AclCommand).
        Path adminConfig = dir.resolve("admin.properties");
        Properties adminSettings = new Properties();
        adminSettings.putAll(security("admin", ADMIN_PASSWORD).clientProperties());
        try (Writer out = Files.newBufferedWriter(adminConfig)) {
            adminSettings.store(out, "the admin principal of kafka-acls.sh");
        }
        // The topics Job: create the topics and describe them (kafka-topics.sh --create --if-not-exists, --describe).
        List<String> job = new ArrayList<>(List.of("--allow-principal", "User:saga-topics", "--operation", "Create",
                "--operation", "Describe", "--operation", "DescribeConfigs"));
        TOPICS.forEach(topic -> job.addAll(List.of("--topic", topic)));
        addAcls(adminConfig, job);
        // credit-route, as in the README's table: reads order-events in group credit-route, writes customer-events
        // and order-events.dlq.
        addAcls(adminConfig, List.of("--allow-principal", "User:credit-route", "--operation", "Read",
                "--topic", "order-events", "--group", "credit-route"));
        addAcls(adminConfig, List.of("--allow-principal", "User:credit-route", "--operation", "Write",
                "--topic", "customer-events", "--topic", "order-events.dlq"));
        assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get()).as("ACLs from kafka-acls.sh")
                .hasSize(TOPICS.size() * 3 + 4);
    }

    /** Runs {@code kafka-acls.sh --bootstrap-server ... --command-config ... --add <arguments>}. */
    private static void addAcls(Path adminConfig, List<String> arguments) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx128m", "-cp", Path.of(System.getProperty(LocalKafka.HOME_PROPERTY))
                .resolve("target/kafka-libs/*").toString(), "kafka.admin.AclCommand", "--bootstrap-server",
                kafka.bootstrapServers(), "--command-config", adminConfig.toString(), "--add"));
        command.addAll(arguments);
        ManagedProcess.run("kafka-acls", command, Map.of(), dir, START);
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void theTopicsJobsPrincipalCreatesAndDescribesTheTopicsAndNothingElse() throws Exception {
        try (Admin job = Admin.create(clientSettings(security("saga-topics", TOPICS_PASSWORD)))) {
            await().atMost(START).ignoreExceptions().untilAsserted(() -> job.createTopics(TOPICS.stream()
                    .map(topic -> new NewTopic(topic, 3, (short) 1)).toList()).all().get());

            assertThat(job.describeTopics(TOPICS).allTopicNames().get()).containsOnlyKeys(TOPICS);
            assertThat(job.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "order-events")))
                    .all().get()).hasSize(1);
            assertCause(() -> job.createTopics(List.of(new NewTopic("order-events", 3, (short) 1))).all().get(),
                    TopicExistsException.class);
            assertCause(() -> job.createTopics(List.of(new NewTopic("other-events", 3, (short) 1))).all().get(),
                    TopicAuthorizationException.class);
        }
    }

    @Test
    void creditRouteConsumesPublishesDeadLettersAndLeavesItsGroupWithItsAclsAlone() throws Exception {
        ensureTopics();
        KafkaSecurity credit = security("credit-route", CREDIT_PASSWORD);
        String instanceId = StaticMembership.instanceIds("saga-credit-route-0", "order-events", 1).get(0);

        // credit-route's consumer as EventConsumers makes it, secured by the component's configuration alone.
        CamelContext camel = new DefaultCamelContext();
        KafkaComponent component = new KafkaComponent();
        KafkaConfiguration configuration = component.getConfiguration();
        configuration.setBrokers(kafka.bootstrapServers());
        configuration.setGroupId("credit-route");
        configuration.setAutoOffsetReset("earliest");
        configuration.setAutoCommitEnable(false);
        configuration.setAllowManualCommit(true);
        configuration.setRequestRequiredAcks("all");
        configuration.setEnableIdempotence(true);
        credit.applyTo(configuration);
        camel.addComponent("kafka", component);
        camel.getManagementStrategy().addEventNotifier(new GroupDeparture(Duration.ofSeconds(3)));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("kafka:order-events?consumersCount=1&groupInstanceId=" + instanceId).routeId("consume")
                        .to("kafka:customer-events")
                        .to("kafka:order-events.dlq")
                        .process(exchange -> exchange.getIn()
                                .getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit());
            }
        });
        try {
            camel.start();
            try (KafkaProducer<String, String> orders = new KafkaProducer<>(
                    clientSettings(security("admin", ADMIN_PASSWORD)), new StringSerializer(),
                    new StringSerializer())) {
                orders.send(new ProducerRecord<>("order-events", "order-1", "OrderCreated order-1")).get();
            }

            await().atMost(START).untilAsserted(() -> {
                assertThat(values("customer-events")).containsExactly("OrderCreated order-1");
                assertThat(values("order-events.dlq")).containsExactly("OrderCreated order-1");
                assertThat(admin.listConsumerGroupOffsets("credit-route").partitionsToOffsetAndMetadata().get()
                        .values().stream().mapToLong(offset -> offset.offset()).sum()).isEqualTo(1);
            });
            assertThat(members("credit-route")).containsExactly(instanceId);

            camel.stop();
            assertThat(members("credit-route")).as("GroupDeparture's admin client, secured the same way, took the"
                    + " static member out of its group").isEmpty();
        } finally {
            camel.close();
        }
    }

    @Test
    void creditRouteMayNotPublishAnotherServicesTopic() {
        ensureTopics();
        Map<String, Object> settings = clientSettings(security("credit-route", CREDIT_PASSWORD));
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings, new StringSerializer(),
                new StringSerializer())) {
            assertCause(() -> producer.send(new ProducerRecord<>("payment-events", "order-1", "forged")).get(),
                    TopicAuthorizationException.class);
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> settings = clientSettings(security("credit-route", "not-the-password"));
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin client = Admin.create(settings)) {
            assertCause(() -> client.describeCluster().clusterId().get(), SaslAuthenticationException.class);
        }
    }

    /** The settings a service would have in its environment: SASL_SSL, SCRAM-SHA-512 and the CA as a PEM file. */
    private static KafkaSecurity security(String username, String password) {
        Map<String, String> settings = Map.of(
                "security-protocol", "SASL_SSL",
                "sasl-mechanism", "SCRAM-SHA-512",
                "sasl-username", username,
                "sasl-password", password,
                "ssl-truststore-type", "PEM",
                "ssl-truststore-location", dir.resolve("ca.pem").toString());
        return KafkaSecurity.from(name -> Optional.ofNullable(settings.get(name)));
    }

    private static Map<String, Object> clientSettings(KafkaSecurity security) {
        Map<String, Object> settings = new HashMap<>(security.clientProperties());
        settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        return settings;
    }

    private static void ensureTopics() {
        await().atMost(START).ignoreExceptions().until(() -> {
            try {
                admin.createTopics(TOPICS.stream().map(topic -> new NewTopic(topic, 3, (short) 1)).toList())
                        .all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            return admin.describeTopics(TOPICS).allTopicNames().get().size() == TOPICS.size();
        });
    }

    /** Every value on a topic, read by the admin principal from the start. */
    private static List<String> values(String topic) throws Exception {
        Map<String, Object> settings = clientSettings(security("admin", ADMIN_PASSWORD));
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                .partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static List<String> members(String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).describedGroups().get(group).get().members().stream()
                .map(member -> member.groupInstanceId().orElse(member.consumerId())).toList();
    }

    private static UserScramCredentialUpsertion scramUser(String name, String password) {
        return new UserScramCredentialUpsertion(name, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                password);
    }

    private static void assertCause(org.assertj.core.api.ThrowableAssert.ThrowingCallable call,
            Class<? extends Throwable> cause) {
        assertThatThrownBy(call).isInstanceOf(ExecutionException.class).cause().isInstanceOf(cause);
    }
}
