package io.k8saga.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.chart.ChartRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chart's rendered environment, mapped to local addresses, as the chart-driven run hands it to ./saga. */
class ChartEnvironmentTest {

    private static final Map<String, String> LOCAL = Map.of(
            "order-route", "127.0.0.1:28081",
            "credit-route", "127.0.0.1:28082",
            "payment-route", "127.0.0.1:28083",
            "lra-coordinator", "127.0.0.1:28090",
            "kafka", "127.0.0.1:29092",
            "postgresql", "db.example:55432");

    @TempDir
    Path data;

    private ChartEnvironment rendered() {
        return ChartEnvironment.render(Settings.repoRoot(), LOCAL, data, "10s", "s3cret");
    }

    @Test
    void eachRouteCallsTheCoordinatorAndTheBrokerAndIsCalledBackAtItsOwnLocalAddress() {
        ChartEnvironment environment = rendered();
        Map<String, String> credit = environment.environmentOf("credit-route");

        assertThat(credit)
                .containsEntry("QUARKUS_HTTP_PORT", "28082")
                .containsEntry("PARTICIPANT_URL", "http://127.0.0.1:28082")
                .containsEntry("LRA_COORDINATOR_URL", "http://127.0.0.1:28090")
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
    void theCoordinatorKeepsItsObjectStoreInTheVolumeMappedToALocalDirectory() {
        Map<String, String> coordinator = rendered().environmentOf("lra-coordinator");

        assertThat(coordinator.get("JAVA_TOOL_OPTIONS"))
                .contains("-DObjectStoreEnvironmentBean.objectStoreDir=" + data.resolve("lra-coordinator"))
                .doesNotContain("/var/lib/lra-coordinator");
        assertThat(coordinator).containsEntry("QUARKUS_HTTP_PORT", "28090");
    }

    @Test
    void writesOneEnvironmentFilePerApplication(@TempDir Path envDir) throws Exception {
        rendered().writeTo(envDir);

        for (String application : ChartRenderer.APPLICATIONS) {
            assertThat(Files.readAllLines(envDir.resolve(application + ".env")))
                    .anyMatch(line -> line.startsWith("QUARKUS_HTTP_PORT="))
                    .allMatch(line -> line.startsWith("#") || line.matches("[A-Z_][A-Z0-9_]*=.*"));
        }
    }
}
