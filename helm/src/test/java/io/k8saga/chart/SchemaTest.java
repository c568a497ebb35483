package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** values.schema.json: self-contained, and Helm refuses unknown keys and wrong types with it. */
class SchemaTest {

    @TempDir
    Path dir;

    @Test
    void schemaIsSelfContained() throws IOException {
        String text = Files.readString(Scenarios.CHART.resolve("values.schema.json"));
        JsonObject schema = JsonParser.parseString(text).getAsJsonObject();

        assertThat(schema.get("additionalProperties").getAsBoolean()).isFalse();
        assertThat(text).as("every $ref points into the file itself")
                .doesNotContainPattern("\"\\$ref\"\\s*:\\s*\"(?!#)");
    }

    @Test
    void unknownTopLevelKeyIsRefused() throws IOException {
        assertRefused("replicaCount: 2\n", "replicaCount");
    }

    @Test
    void unknownNestedKeyIsRefused() throws IOException {
        assertRefused("routes:\n  orderRoute:\n    replicas: 2\n", "replicas");
    }

    @Test
    void wrongTypeIsRefused() throws IOException {
        assertRefused("routes:\n  creditRoute:\n    replicaCount: two\n", "replicaCount");
    }

    @Test
    void aCoordinatorWithoutShardsIsRefused() throws IOException {
        assertRefused("lraCoordinator:\n  replicas: 0\n", "replicas");
    }

    @Test
    void latestTagIsRefused() throws IOException {
        assertRefused("kafka:\n  image:\n    tag: latest\n", "tag");
    }

    @Test
    void tlsWithoutHostIsRefused() throws IOException {
        assertRefused("ingress:\n  tls:\n    enabled: true\n    secretName: x\n", "host");
    }

    @Test
    void unknownAuthKeyIsRefused() throws IOException {
        assertRefused("auth:\n  issuerUrl: https://id.example.com\n", "issuerUrl");
    }

    @Test
    void aJwksUrlThatIsNoUrlIsRefused() throws IOException {
        assertRefused("auth:\n  jwksUrl: keycloak/certs\n", "jwksUrl");
    }

    @Test
    void missingExternalSettingsAreRefused() {
        assertThatThrownBy(() -> Scenarios.RENDERER.withSet("kafka.enabled", false).render())
                .hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> Scenarios.RENDERER.withSet("postgresql.enabled", false).render())
                .hasMessageContaining("jdbcUrl");
    }

    @Test
    void validOverridesAreAccepted() throws IOException {
        Path values = dir.resolve("ok-values.yaml");
        Files.writeString(values, "routes:\n  creditRoute:\n    replicaCount: 2\nkafka:\n  image:\n    tag: 3.9.1\n");

        assertThat(Scenarios.RENDERER.withValuesFile(values).render()).contains("replicas: 2");
    }

    private void assertRefused(String valuesYaml, String expectedInMessage) throws IOException {
        Path values = dir.resolve("bad-values.yaml");
        Files.writeString(values, valuesYaml);

        assertThatThrownBy(() -> Scenarios.RENDERER.withValuesFile(values).render())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining(expectedInMessage);
    }
}
