package io.k8saga.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.k8saga.chart.ChartRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chart's rendered environment, mapped to local addresses, as the chart-driven run hands it to ./saga: one
 * process per route and one per coordinator shard the chart renders (two by default).
 */
class ChartEnvironmentTest {

    private static final Map<String, String> LOCAL = Map.of(
            "order-route", "127.0.0.1:28081",
            "credit-route", "127.0.0.1:28082",
            "payment-route", "127.0.0.1:28083",
            "lra-coordinator", "127.0.0.1:28090",
            // shard 1 at 28091, as ./saga runs shard i on SAGA_COORDINATOR_PORT + i
            "kafka", "127.0.0.1:29092",
            "postgresql", "db.example:55432");

    @TempDir
    Path data;

    private ChartEnvironment rendered() {
        return ChartEnvironment.render(Settings.repoRoot(), LOCAL, data, "10s", "s3cret", "saga-test",
                "QUJD");
    }

    @Test
    void eachRouteCallsTheCoordinatorAndTheBrokerAndIsCalledBackAtItsOwnLocalAddress() {
        ChartEnvironment environment = rendered();
        Map<String, String> credit = environment.environmentOf("credit-route");

        assertThat(credit)
                .containsEntry("QUARKUS_HTTP_PORT", "28082")
                .containsEntry("PARTICIPANT_URL", "http://127.0.0.1:28082")
                .containsEntry("LRA_COORDINATOR_URL", "http://127.0.0.1:28090,http://127.0.0.1:28091")
                .containsEntry("KAFKA_BROKERS", "127.0.0.1:29092")
                .containsEntry("QUARKUS_PROFILE", "pg");
        assertThat(environment.environmentOf("order-route"))
                .containsEntry("PARTICIPANT_URL", "http://127.0.0.1:28081")
                .containsEntry("SAGA_TIMEOUT", "10s");
    }

    @Test
    void eachRouteIsNamedAsItsOnePodWouldBeAndKeepsTheNameAcrossRestarts() {
        for (String route : ChartRenderer.ROUTES) {
            assertThat(rendered().environmentOf(route)).as(route)
                    .containsEntry("SAGA_INSTANCE_ID", ChartRenderer.DEFAULT_RELEASE + "-" + route);
        }
    }

    @Test
    void databaseSettingsComeFromTheRenderedConfigMapAndSecret() {
        Map<String, String> payment = rendered().environmentOf("payment-route");

        assertThat(payment)
                .containsEntry("DB_URL", "jdbc:postgresql://db.example:55432/payments")
                .containsEntry("DB_USER", "payments")
                .containsEntry("DB_PASSWORD", "s3cret");
    }

    @Test
    void eachShardIsNamedAsItsPodAndAdvertisesItsOwnLocalUrl() {
        ChartEnvironment environment = rendered();

        assertThat(environment.coordinatorShards()).isEqualTo(2);
        for (int shard = 0; shard < 2; shard++) {
            assertThat(environment.environmentOf("lra-coordinator-" + shard)).as("shard " + shard)
                    .containsEntry("POD_NAME", ChartRenderer.DEFAULT_RELEASE + "-lra-coordinator-" + shard)
                    .containsEntry("QUARKUS_HTTP_PORT", String.valueOf(28090 + shard))
                    .containsEntry("SAGA_COORDINATOR_ADVERTISED_URL", "http://127.0.0.1:" + (28090 + shard));
        }
    }

    @Test
    void eachShardKeepsItsObjectStoreInItsOwnVolumeMappedToALocalDirectory() {
        ChartEnvironment environment = rendered();

        for (int shard = 0; shard < 2; shard++) {
            String process = "lra-coordinator-" + shard;
            // The volume object-store, mounted at /var/lib/lra-coordinator, holds the store in object-store/.
            Path store = data.resolve(process).resolve("object-store").resolve("object-store");
            assertThat(environment.environmentOf(process).get("JAVA_TOOL_OPTIONS")).as(process)
                    .contains("-DObjectStoreEnvironmentBean.objectStoreDir=" + store + " ")
                    .contains("-DObjectStoreEnvironmentBean.communicationStore.objectStoreDir=" + store + " ")
                    .doesNotContain("/var/lib/lra-coordinator");
        }
    }

    @Test
    void theChartRendersNoShardBeyondItsReplicas() {
        assertThatThrownBy(() -> rendered().environmentOf("lra-coordinator-2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lra-coordinator-1");
    }

    @Test
    void writesOneEnvironmentFilePerProcessAndNoStaleOne(@TempDir Path envDir) throws Exception {
        Files.writeString(envDir.resolve("lra-coordinator-5.env"), "QUARKUS_HTTP_PORT=28095\n");

        rendered().writeTo(envDir);

        try (Stream<Path> files = Files.list(envDir)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder("order-route.env",
                    "credit-route.env", "payment-route.env", "lra-coordinator-0.env", "lra-coordinator-1.env");
        }
        for (String process : rendered().processes()) {
            assertThat(Files.readAllLines(envDir.resolve(process + ".env")))
                    .anyMatch(line -> line.startsWith("QUARKUS_HTTP_PORT="))
                    .allMatch(line -> line.startsWith("#") || line.matches("[A-Z_][A-Z0-9_]*=.*"));
        }
    }
}
