package io.k8saga.common.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

/**
 * The Kafka client properties each protocol yields from the {@code saga.kafka.*} settings, that Camel's clients and
 * the admin client of {@link GroupDeparture} get them, and that the defaults change nothing.
 */
class KafkaSecurityTest {

    private static final String CA_FILE = "/etc/kafka-ca/ca.crt";
    private static final String PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    @Test
    void theShippedDefaultsArePlaintextAndYieldNoProperty() {
        Properties shipped = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/microprofile-config.properties")) {
            shipped.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        KafkaSecurity security = KafkaSecurity.from(
                name -> Optional.ofNullable(shipped.getProperty(KafkaSecurity.PREFIX + name)));

        assertThat(shipped.getProperty("saga.kafka.security-protocol")).isEqualTo("PLAINTEXT");
        assertThat(security.protocol()).isEqualTo("PLAINTEXT");
        assertThat(security.clientProperties()).isEmpty();
    }

    @Test
    void plaintextLeavesCamelsClientsExactlyAsTheyWere() {
        KafkaConfiguration untouched = configuration();
        KafkaConfiguration applied = configuration();

        KafkaSecurity.from(settings(Map.of())).applyTo(applied);

        assertThat(applied.createConsumerProperties()).isEqualTo(untouched.createConsumerProperties());
        assertThat(applied.createProducerProperties()).isEqualTo(untouched.createProducerProperties());
        assertThat(applied.createConsumerProperties()).doesNotContainKeys("sasl.jaas.config", "ssl.truststore.type")
                .containsEntry("security.protocol", "PLAINTEXT");
    }

    @Test
    void blankSettingsCountAsNotSet() {
        KafkaSecurity security = KafkaSecurity.from(settings(Map.of("security-protocol", "", "sasl-username", " ",
                "sasl-password", "", "ssl-truststore-location", "")));

        assertThat(security.protocol()).isEqualTo("PLAINTEXT");
        assertThat(security.clientProperties()).isEmpty();
    }

    @Test
    void saslSslWithScramAndACaFile() {
        KafkaSecurity security = KafkaSecurity.from(settings(Map.of("security-protocol", "SASL_SSL",
                "sasl-mechanism", "SCRAM-SHA-512", "sasl-username", "credit-route", "sasl-password", "s3cret",
                "ssl-truststore-location", CA_FILE, "ssl-truststore-type", "PEM")));

        assertThat(security.clientProperties()).containsOnly(
                Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                Map.entry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"credit-route\" password=\"s3cret\";"),
                Map.entry("ssl.truststore.type", "PEM"),
                Map.entry("ssl.truststore.location", CA_FILE));
        assertThat(security.toString()).isEqualTo("SASL_SSL SCRAM-SHA-512 as credit-route, trusting the CAs in "
                + CA_FILE).doesNotContain("s3cret");
        assertReachesEveryClient(security);
    }

    @Test
    void saslMechanismDefaultsToScramSha512AndPlainUsesItsOwnLoginModule() {
        Map<String, String> scram = KafkaSecurity.from(settings(Map.of("security-protocol", "sasl_plaintext",
                "sasl-username", "order-route", "sasl-password", "pw"))).clientProperties();
        Map<String, String> plain = KafkaSecurity.from(settings(Map.of("security-protocol", "SASL_PLAINTEXT",
                "sasl-mechanism", "PLAIN", "sasl-username", "order-route", "sasl-password", "pw")))
                .clientProperties();

        assertThat(scram).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .doesNotContainKeys("ssl.truststore.type", "ssl.truststore.location");
        assertThat(plain).containsEntry("sasl.mechanism", "PLAIN");
        assertThat(plain.get("sasl.jaas.config"))
                .startsWith("org.apache.kafka.common.security.plain.PlainLoginModule required ");
    }

    @Test
    void aWholeJaasConfigIsPassedAsGivenWithAnyMechanism() {
        String jaas = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;";
        KafkaSecurity security = KafkaSecurity.from(settings(Map.of("security-protocol", "SASL_SSL",
                "sasl-mechanism", "OAUTHBEARER", "sasl-jaas-config", jaas)));

        assertThat(security.clientProperties()).containsOnly(Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("sasl.mechanism", "OAUTHBEARER"), Map.entry("sasl.jaas.config", jaas));
        assertThat(security.toString()).doesNotContain("OAuthBearerLoginModule");
    }

    @Test
    void sslWithInlinePemCertificatesAndNoSasl() {
        KafkaSecurity security = KafkaSecurity.from(settings(Map.of("security-protocol", "SSL",
                "ssl-truststore-certificates", PEM)));

        assertThat(security.clientProperties()).containsOnly(Map.entry("security.protocol", "SSL"),
                Map.entry("ssl.truststore.type", "PEM"), Map.entry("ssl.truststore.certificates", PEM));
        assertReachesEveryClient(security);
    }

    @Test
    void sslWithoutATruststoreTrustsTheJvmsCas() {
        KafkaSecurity security = KafkaSecurity.from(settings(Map.of("security-protocol", "SSL")));

        assertThat(security.clientProperties()).containsOnly(Map.entry("security.protocol", "SSL"));
        assertThat(security.toString()).isEqualTo("SSL, trusting the JVM's default CAs");
    }

    @Test
    void aJksTruststoreTakesItsPassword() {
        Map<String, String> properties = KafkaSecurity.from(settings(Map.of("security-protocol", "SASL_SSL",
                "sasl-username", "u", "sasl-password", "p", "ssl-truststore-location", "/etc/ca/truststore.p12",
                "ssl-truststore-type", "pkcs12", "ssl-truststore-password", "changeit"))).clientProperties();

        assertThat(properties).containsEntry("ssl.truststore.type", "PKCS12")
                .containsEntry("ssl.truststore.location", "/etc/ca/truststore.p12")
                .containsEntry("ssl.truststore.password", "changeit");
    }

    @Test
    void quotesAndBackslashesInCredentialsSurviveKafkasJaasParser() {
        String password = "a\"b\\c d;e=f'g";
        String jaas = KafkaSecurity.jaasConfig("SCRAM-SHA-256", "pay\"ment", password);

        AppConfigurationEntry entry = JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(jaas)))
                .configurationEntries().get(0);
        assertThat(entry.getLoginModuleName()).isEqualTo("org.apache.kafka.common.security.scram.ScramLoginModule");
        assertThat(entry.getOptions().get("username")).isEqualTo("pay\"ment");
        assertThat(entry.getOptions().get("password")).isEqualTo(password);
    }

    @Test
    void aPasswordWithALineBreakIsRefused() {
        assertRefused(Map.of("security-protocol", "SASL_SSL", "sasl-username", "u", "sasl-password", "secret\n"),
                "SAGA_KAFKA_SASL_PASSWORD", "line break");
    }

    @Test
    void incompleteOrIgnoredSettingsAreRefused() {
        assertRefused(Map.of("security-protocol", "TLS"), "SAGA_KAFKA_SECURITY_PROTOCOL", "'TLS'");
        assertRefused(Map.of("security-protocol", "SASL_SSL", "sasl-username", "u"),
                "SAGA_KAFKA_SASL_PASSWORD", "needs the principal's");
        assertRefused(Map.of("sasl-username", "u", "sasl-password", "p"),
                "SAGA_KAFKA_SASL_USERNAME, SAGA_KAFKA_SASL_PASSWORD", "ignored with security-protocol PLAINTEXT");
        assertRefused(Map.of("security-protocol", "SSL", "sasl-jaas-config", "x required;"),
                "SAGA_KAFKA_SASL_JAAS_CONFIG", "ignored with security-protocol SSL");
        assertRefused(Map.of("security-protocol", "SASL_PLAINTEXT", "sasl-username", "u", "sasl-password", "p",
                "ssl-truststore-location", CA_FILE), "SAGA_KAFKA_SSL_TRUSTSTORE_LOCATION", "would be ignored");
        assertRefused(Map.of("security-protocol", "SASL_SSL", "sasl-username", "u", "sasl-password", "p",
                "sasl-jaas-config", "x required;"), "SAGA_KAFKA_SASL_JAAS_CONFIG", "not both");
        assertRefused(Map.of("security-protocol", "SASL_SSL", "sasl-mechanism", "GSSAPI", "sasl-username", "u",
                "sasl-password", "p"), "SAGA_KAFKA_SASL_MECHANISM", "takes a whole sasl-jaas-config");
        assertRefused(Map.of("security-protocol", "SSL", "ssl-truststore-location", CA_FILE,
                "ssl-truststore-certificates", PEM), "SAGA_KAFKA_SSL_TRUSTSTORE_CERTIFICATES", "not both");
        assertRefused(Map.of("security-protocol", "SSL", "ssl-truststore-location", CA_FILE,
                "ssl-truststore-type", "PEM", "ssl-truststore-password", "x"),
                "SAGA_KAFKA_SSL_TRUSTSTORE_PASSWORD", "no password");
        assertRefused(Map.of("security-protocol", "SSL", "ssl-truststore-location", CA_FILE),
                "SAGA_KAFKA_SSL_TRUSTSTORE_TYPE", "PEM for CA certificates");
        assertRefused(Map.of("security-protocol", "SSL", "ssl-truststore-type", "PEM"),
                "SAGA_KAFKA_SSL_TRUSTSTORE_TYPE", "need a ssl-truststore-location");
    }

    /** Camel's consumers and producers, and the admin client made from a consumer's configuration, get them all. */
    private static void assertReachesEveryClient(KafkaSecurity security) {
        KafkaConfiguration configuration = configuration();
        security.applyTo(configuration);
        // What an endpoint gets: a copy of the component's configuration.
        KafkaConfiguration endpoint = configuration.copy();

        assertThat(toMap(endpoint.createConsumerProperties())).containsAllEntriesOf(security.clientProperties());
        assertThat(toMap(endpoint.createProducerProperties())).containsAllEntriesOf(security.clientProperties());
        assertThat(toMap(GroupDeparture.adminSettings(endpoint, Duration.ofSeconds(3))))
                .containsAllEntriesOf(security.clientProperties());
    }

    private static KafkaConfiguration configuration() {
        KafkaConfiguration configuration = new KafkaConfiguration();
        configuration.setBrokers("kafka-0.data.svc:9093");
        configuration.setGroupId("credit-route");
        return configuration;
    }

    private static Map<String, Object> toMap(Properties properties) {
        Map<String, Object> map = new HashMap<>();
        properties.forEach((key, value) -> map.put(key.toString(), value));
        return map;
    }

    private static java.util.function.Function<String, Optional<String>> settings(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }

    private static void assertRefused(Map<String, String> values, String env, String problem) {
        assertThatThrownBy(() -> KafkaSecurity.from(settings(values)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(env)
                .hasMessageContaining(problem);
    }
}
