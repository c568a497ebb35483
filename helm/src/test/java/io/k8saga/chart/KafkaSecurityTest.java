package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kafka security values ({@code externalKafka.security}): nothing by default or with the bundled Kafka; with an
 * external secured Kafka, each route gets the protocol, mechanism and CA file in its ConfigMap and its own principal
 * from its own Secret, and the topics Job gets the same with the Job's principal, written into the Kafka tools'
 * client configuration. The services read the variables as saga-common's KafkaSecurity documents.
 */
class KafkaSecurityTest {

    private static final Path SASL_SSL = Scenarios.named("60-kafka-sasl-ssl-values.yaml");
    private static final Map<String, String> ROUTE_SECRETS = Map.of("order-route", "kafka-order-route",
            "credit-route", "kafka-credit-route", "payment-route", "kafka-payment-route");
    private static final String CA_FILE = "/etc/saga/kafka-ca/ca.crt";

    @TempDir
    Path dir;

    /** An external Kafka with the given protocol, no credentials and no CA yet. */
    private static ChartRenderer external(String protocol) {
        return Scenarios.RENDERER.withSet("kafka.enabled", false)
                .withSet("externalKafka.bootstrapServers", "kafka.data.svc:9093")
                .withSet("externalKafka.security.protocol", protocol);
    }

    private static ChartRenderer withCredentials(ChartRenderer renderer) {
        return renderer.withSet("externalKafka.security.credentials.orderRoute", "kafka-order-route")
                .withSet("externalKafka.security.credentials.creditRoute", "kafka-credit-route")
                .withSet("externalKafka.security.credentials.paymentRoute", "kafka-payment-route")
                .withSet("externalKafka.security.credentials.topicsJob", "kafka-saga-topics");
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void nothingIsRenderedForPlaintext(Path scenario) {
        if (scenario.equals(SASL_SSL)) {
            return;
        }
        Manifests manifests = Scenarios.manifests(scenario);
        for (Manifests.ContainerRef ref : manifests.containers()) {
            assertThat(manifests.envKeys(ref.container())).as(ref.ownerName())
                    .noneMatch(key -> key.startsWith("SAGA_KAFKA_"));
            assertThat(ref.podSpec().getVolumes() == null ? List.<V1Volume>of() : ref.podSpec().getVolumes())
                    .as(ref.ownerName()).noneMatch(volume -> volume.getName().equals("kafka-ca"));
        }
    }

    @Test
    void saslSslGivesEveryRouteItsOwnPrincipalAndTheCa() {
        Manifests manifests = Scenarios.manifests(SASL_SSL);

        for (String route : ChartRenderer.ROUTES) {
            V1Container container = manifests.container("saga-" + route);
            assertThat(manifests.configEnv(container)).as(route)
                    .containsEntry("KAFKA_BROKERS", "kafka-bootstrap.data.svc:9093")
                    .containsEntry("SAGA_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("SAGA_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                    .containsEntry("SAGA_KAFKA_SSL_TRUSTSTORE_TYPE", "PEM")
                    .containsEntry("SAGA_KAFKA_SSL_TRUSTSTORE_LOCATION", CA_FILE);
            assertOwnPrincipal(route, container, ROUTE_SECRETS.get(route));
            assertCaMounted(route, manifests.podTemplate("saga-" + route).getSpec(), container);
        }
        assertThat(manifests.envKeys(manifests.container("saga-lra-coordinator")))
                .noneMatch(key -> key.startsWith("SAGA_KAFKA_"));
    }

    @Test
    void theTopicsJobUsesItsOwnPrincipalAndTheCa() {
        Manifests manifests = Scenarios.manifests(SASL_SSL);
        V1Job job = manifests.ofType(V1Job.class).get(0);
        V1Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);

        assertThat(manifests.configEnv(container)).containsEntry("SAGA_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("SAGA_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                .containsEntry("SAGA_KAFKA_SSL_TRUSTSTORE_TYPE", "PEM")
                .containsEntry("SAGA_KAFKA_SSL_TRUSTSTORE_LOCATION", CA_FILE);
        assertOwnPrincipal("topics Job", container, "kafka-saga-topics");
        assertCaMounted("topics Job", job.getSpec().getTemplate().getSpec(), container);
        assertThat(String.join(" ", container.getCommand())).contains("--command-config \"$config\" --create");
    }

    @Test
    void sslAloneHasNoCredentialsAndWithoutACaSecretTrustsTheDefaultCas() {
        Manifests withCa = Manifests.parse(external("SSL")
                .withSet("externalKafka.security.ca.existingSecret", "kafka-ca").render());
        Manifests withoutCa = Manifests.parse(external("SSL").render());

        V1Container route = withCa.container("saga-order-route");
        assertThat(withCa.configEnv(route)).containsEntry("SAGA_KAFKA_SECURITY_PROTOCOL", "SSL")
                .containsEntry("SAGA_KAFKA_SSL_TRUSTSTORE_LOCATION", CA_FILE)
                .doesNotContainKey("SAGA_KAFKA_SASL_MECHANISM");
        assertThat(Manifests.secretEnv(route)).doesNotContainKeys("SAGA_KAFKA_SASL_USERNAME",
                "SAGA_KAFKA_SASL_PASSWORD");
        assertThat(withoutCa.envKeys(withoutCa.container("saga-order-route")).stream()
                .filter(key -> key.startsWith("SAGA_KAFKA_"))).containsExactly("SAGA_KAFKA_SECURITY_PROTOCOL");
        assertThat(withoutCa.podTemplate("saga-order-route").getSpec().getVolumes())
                .noneMatch(volume -> volume.getName().equals("kafka-ca"));
    }

    @Test
    void saslPlaintextHasCredentialsAndNoCa() {
        Manifests manifests = Manifests.parse(withCredentials(external("SASL_PLAINTEXT"))
                .withSet("externalKafka.security.saslMechanism", "SCRAM-SHA-256")
                .withSet("externalKafka.security.ca.existingSecret", "kafka-ca").render());

        V1Container route = manifests.container("saga-payment-route");
        assertThat(manifests.configEnv(route)).containsEntry("SAGA_KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
                .containsEntry("SAGA_KAFKA_SASL_MECHANISM", "SCRAM-SHA-256")
                .doesNotContainKeys("SAGA_KAFKA_SSL_TRUSTSTORE_LOCATION", "SAGA_KAFKA_SSL_TRUSTSTORE_TYPE");
        assertOwnPrincipal("payment-route", route, "kafka-payment-route");
        assertThat(manifests.podTemplate("saga-payment-route").getSpec().getVolumes())
                .noneMatch(volume -> volume.getName().equals("kafka-ca"));
    }

    @Test
    void credentialsAndCaAreIgnoredWithPlaintext() {
        Manifests manifests = Manifests.parse(withCredentials(external("PLAINTEXT"))
                .withSet("externalKafka.security.ca.existingSecret", "kafka-ca").render());

        assertThat(manifests.envKeys(manifests.container("saga-credit-route")))
                .noneMatch(key -> key.startsWith("SAGA_KAFKA_"));
    }

    @Test
    void theBundledKafkaRefusesSecurity() {
        assertThatThrownBy(() -> withCredentials(Scenarios.RENDERER)
                .withSet("externalKafka.security.protocol", "SASL_SSL").render())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the bundled Kafka only speaks PLAINTEXT")
                .hasMessageContaining("kafka.enabled=false");
    }

    @Test
    void saslNeedsEveryPrincipalsSecret() {
        assertThatThrownBy(() -> external("SASL_SSL").render())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("externalKafka.security.credentials.")
                .hasMessageContaining("is required with externalKafka.security.protocol SASL_SSL");
        assertThatThrownBy(() -> withCredentials(external("SASL_SSL"))
                .withSet("externalKafka.security.credentials.topicsJob", "").render())
                .hasMessageContaining("externalKafka.security.credentials.topicsJob is required");

        Manifests withoutJob = Manifests.parse(withCredentials(external("SASL_SSL"))
                .withSet("externalKafka.security.credentials.topicsJob", "").withSet("topics.create", false)
                .render());
        assertThat(withoutJob.ofType(V1Job.class)).as("topics managed elsewhere").isEmpty();
    }

    @Test
    void anUnknownProtocolOrMechanismIsRefusedByTheSchema() throws IOException {
        Path protocol = dir.resolve("protocol-values.yaml");
        Files.writeString(protocol, "externalKafka:\n  security:\n    protocol: TLS\n");
        Path mechanism = dir.resolve("mechanism-values.yaml");
        Files.writeString(mechanism, "externalKafka:\n  security:\n    saslMechanism: GSSAPI\n");

        for (Path values : List.of(protocol, mechanism)) {
            assertThatThrownBy(() -> Scenarios.RENDERER.withValuesFile(values).render())
                    .hasMessageContaining("values don't meet the specifications of the schema");
        }
    }

    @Test
    void routePodsRollWhenAPrincipalsSecretOrTheCaChanges() {
        String before = checksum(Manifests.parse(withCredentials(external("SASL_SSL")).render()));
        String otherSecret = checksum(Manifests.parse(withCredentials(external("SASL_SSL"))
                .withSet("externalKafka.security.credentials.orderRoute", "kafka-order-route-2").render()));
        String otherCa = checksum(Manifests.parse(withCredentials(external("SASL_SSL"))
                .withSet("externalKafka.security.ca.existingSecret", "kafka-ca-2").render()));

        assertThat(otherSecret).isNotEqualTo(before);
        assertThat(otherCa).isNotEqualTo(before);
    }

    /**
     * Runs the topics Job's script with stand-ins for the Kafka tools, and the credentials a Secret could hold (a
     * quote and a backslash in the password): the client configuration it hands them reads back, as a properties
     * file, as exactly the JAAS line saga-common's KafkaSecurity writes for the same principal.
     */
    @Test
    void theTopicsJobWritesAClientConfigurationTheKafkaToolsRead() throws Exception {
        V1Container container = Scenarios.manifests(SASL_SSL).ofType(V1Job.class).get(0).getSpec().getTemplate()
                .getSpec().getContainers().get(0);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("kafka-broker-api-versions.sh", "kafka-topics.sh")) {
            // Keeps the file given as --command-config, whatever else it is called with.
            Path stub = bin.resolve(tool);
            Files.writeString(stub, "#!/bin/sh\nwhile [ $# -gt 0 ]; do\n"
                    + "  if [ \"$1\" = --command-config ]; then cp \"$2\" \"$STUB_OUT\"; fi\n  shift\ndone\n");
            Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path out = dir.resolve("seen.properties");
        String password = "pa\"ss\\word$(true)";

        List<String> command = new ArrayList<>(container.getCommand());
        ProcessBuilder process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("job.log").toFile());
        Map<String, String> env = process.environment();
        for (V1EnvVar var : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            }
        }
        env.put("SAGA_KAFKA_SASL_USERNAME", "saga-topics");
        env.put("SAGA_KAFKA_SASL_PASSWORD", password);
        env.put("KAFKA_BIN", bin.toString());
        env.put("TMPDIR", dir.toString());
        env.put("STUB_OUT", out.toString());
        Process job = process.start();
        assertThat(job.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(job.exitValue()).as(Files.readString(dir.resolve("job.log"))).isZero();

        Properties seen = new Properties();
        try (Reader reader = Files.newBufferedReader(out)) {
            seen.load(reader);
        }
        assertThat(seen).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"saga-topics\" password=\"pa\\\"ss\\\\word$(true)\";"),
                Map.entry("ssl.truststore.type", "PEM"),
                Map.entry("ssl.truststore.location", CA_FILE));
    }

    private static void assertOwnPrincipal(String what, V1Container container, String secret) {
        assertThat(Manifests.secretEnv(container)).as(what).hasEntrySatisfying("SAGA_KAFKA_SASL_USERNAME", ref -> {
            assertThat(ref.getName()).isEqualTo(secret);
            assertThat(ref.getKey()).isEqualTo("username");
        }).hasEntrySatisfying("SAGA_KAFKA_SASL_PASSWORD", ref -> {
            assertThat(ref.getName()).isEqualTo(secret);
            assertThat(ref.getKey()).isEqualTo("password");
        });
    }

    private static void assertCaMounted(String what, V1PodSpec pod, V1Container container) {
        Optional<V1Volume> volume = pod.getVolumes().stream().filter(v -> v.getName().equals("kafka-ca")).findFirst();
        assertThat(volume).as(what).hasValueSatisfying(ca -> {
            assertThat(ca.getSecret().getSecretName()).isEqualTo("kafka-cluster-ca-cert");
            assertThat(ca.getSecret().getItems()).singleElement().satisfies(item -> {
                assertThat(item.getKey()).isEqualTo("ca.crt");
                assertThat(item.getPath()).isEqualTo("ca.crt");
            });
        });
        Optional<V1VolumeMount> mount = container.getVolumeMounts().stream()
                .filter(m -> m.getName().equals("kafka-ca")).findFirst();
        assertThat(mount).as(what).hasValueSatisfying(m -> {
            assertThat(m.getMountPath() + "/ca.crt").isEqualTo(CA_FILE);
            assertThat(m.getReadOnly()).isTrue();
        });
    }

    private static String checksum(Manifests manifests) {
        return manifests.deployment("saga-order-route").getSpec().getTemplate().getMetadata().getAnnotations()
                .get("checksum/secret");
    }
}
