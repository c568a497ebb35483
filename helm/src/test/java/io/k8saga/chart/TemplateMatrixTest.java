package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code helm template} over every ci/ scenario, and what each scenario is there to show. */
class TemplateMatrixTest {

    private static final List<String> ROUTES = ChartRenderer.ROUTES;

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void everyScenarioRendersTheFourApplications(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        String prefix = Scenarios.prefix(scenario);

        assertThat(manifests.names(V1Deployment.class)).containsExactlyInAnyOrder(
                prefix + "-order-route", prefix + "-credit-route", prefix + "-payment-route");
        assertThat(manifests.names(V1StatefulSet.class)).contains(prefix + "-lra-coordinator");
        assertThat(manifests.all()).extracting(KubernetesObject::getKind)
                .contains("Service", "ConfigMap", "PodDisruptionBudget", "Job", "Pod");
    }

    @Test
    void defaultsBundleKafkaAndPostgresqlBehindTheIngress() {
        Manifests manifests = Scenarios.manifests(Scenarios.named("00-defaults-values.yaml"));

        assertThat(manifests.names(V1StatefulSet.class)).containsExactlyInAnyOrder("saga-kafka", "saga-postgresql",
                "saga-lra-coordinator");
        assertThat(manifests.names(V1Secret.class)).containsExactlyInAnyOrder("saga-order-route-db",
                "saga-credit-route-db", "saga-payment-route-db", "saga-postgresql", "saga-callback-keys");
        assertThat(manifests.ofType(V1Secret.class).stream()
                .filter(secret -> secret.getMetadata().getName().equals("saga-callback-keys")).findFirst()
                .orElseThrow().getData().get("keys")).as("a random callback key long enough to sign with").hasSize(48);
        assertThat(manifests.names(V1Ingress.class)).containsExactly("saga-api");
        assertThat(manifests.ofType(V1NetworkPolicy.class)).hasSize(6);
        assertThat(manifests.custom()).isEmpty();
    }

    @Test
    void externalDataStoresReplaceTheBundledOnes() {
        Manifests manifests = Scenarios.manifests(Scenarios.named("10-external-values.yaml"));

        assertThat(manifests.names(V1StatefulSet.class)).containsExactly("saga-lra-coordinator");
        assertThat(manifests.ofType(V1Secret.class)).as("credentials come from existing Secrets").isEmpty();
        Map<String, String> env = manifests.configEnv(manifests.container("saga-credit-route"));
        assertThat(env).containsEntry("KAFKA_BROKERS", "kafka-0.kafka.data.svc:9092,kafka-1.kafka.data.svc:9092")
                .containsEntry("DB_URL", "jdbc:postgresql://pg.data.svc:5432/credit?sslmode=require");
        assertThat(Manifests.secretEnv(manifests.container("saga-credit-route")))
                .allSatisfy((name, ref) -> assertThat(ref.getName()).isEqualTo(name.equals("SAGA_CALLBACK_KEYS")
                        ? "saga-callback-keys-2026" : "credit-db-credentials"));
        assertThat(manifests.configEnv(manifests.containers().stream()
                        .filter(c -> c.ownerKind().equals("Job")).findFirst().orElseThrow().container()))
                .as("the topics Job creates the topics on the external Kafka")
                .containsEntry("BOOTSTRAP_SERVERS", "kafka-0.kafka.data.svc:9092,kafka-1.kafka.data.svc:9092")
                .containsEntry("REPLICATION_FACTOR", "3");
    }

    @Test
    void ingressTerminatesTlsForItsHost() {
        V1Ingress ingress = Scenarios.manifests(Scenarios.named("20-ingress-tls-values.yaml"))
                .named(V1Ingress.class, "saga-api");

        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
            assertThat(tls.getHosts()).containsExactly("saga.example.com");
            assertThat(tls.getSecretName()).isEqualTo("saga-example-com-tls");
        });
        assertThat(ingress.getSpec().getRules()).singleElement()
                .satisfies(rule -> assertThat(rule.getHost()).isEqualTo("saga.example.com"));
        assertThat(ingress.getMetadata().getAnnotations())
                .containsEntry("cert-manager.io/cluster-issuer", "letsencrypt");
    }

    @Test
    void routesAndCoordinatorShardsScale() {
        Manifests manifests = Scenarios.manifests(Scenarios.named("30-replicas-values.yaml"));

        assertThat(manifests.deployment("saga-order-route").getSpec().getReplicas()).isEqualTo(3);
        assertThat(manifests.deployment("saga-credit-route").getSpec().getReplicas()).isEqualTo(3);
        assertThat(manifests.deployment("saga-payment-route").getSpec().getReplicas()).isEqualTo(2);
        assertThat(manifests.statefulSet("saga-lra-coordinator").getSpec().getReplicas()).isEqualTo(3);
        assertThat(manifests.configEnv(manifests.container("saga-lra-coordinator")).get("JAVA_TOOL_OPTIONS"))
                .endsWith("-DRecoveryEnvironmentBean.periodicRecoveryPeriod=30");
    }

    @Test
    void theCoordinatorShardsAreAStatefulSetOfIndependentPodsWithAClaimEach() {
        V1StatefulSet coordinator = Scenarios.manifests(Scenarios.named("00-defaults-values.yaml"))
                .statefulSet("saga-lra-coordinator");

        assertThat(coordinator.getSpec().getReplicas()).isEqualTo(2);
        assertThat(coordinator.getSpec().getServiceName()).isEqualTo("saga-lra-coordinator-headless");
        assertThat(coordinator.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(coordinator.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("object-store");
            assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
            assertThat(claim.getSpec().getStorageClassName()).isNull();
        });
        V1StatefulSet sized = Manifests.parse(Scenarios.RENDERER.withSet("lraCoordinator.persistence.size", "5Gi")
                .withSet("lraCoordinator.persistence.storageClass", "fast").render())
                .statefulSet("saga-lra-coordinator");
        assertThat(sized.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("5Gi"));
            assertThat(claim.getSpec().getStorageClassName()).isEqualTo("fast");
        });
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void everyRouteListsEveryShardByItsPodsDnsName(int shards) {
        Manifests manifests = Manifests.parse(Scenarios.RENDERER.withSet("lraCoordinator.replicas", shards).render());
        String urls = IntStream.range(0, shards).mapToObj(TemplateMatrixTest::shardUrl)
                .collect(Collectors.joining(","));

        assertThat(manifests.statefulSet("saga-lra-coordinator").getSpec().getReplicas()).isEqualTo(shards);
        for (String route : ROUTES) {
            assertThat(manifests.configEnv(manifests.container("saga-" + route))).as(route)
                    .containsEntry("LRA_COORDINATOR_URL", urls);
        }
    }

    /** The URL of coordinator shard {@code shard} for the default release and namespace. */
    private static String shardUrl(int shard) {
        return "http://saga-lra-coordinator-" + shard + ".saga-lra-coordinator-headless.saga.svc.cluster.local:8090";
    }

    @Test
    void shardUrlsFollowTheReleaseNamespaceAndClusterDomain() {
        Manifests manifests = Manifests.parse(Scenarios.RENDERER.withRelease("shop").withNamespace("sales")
                .withSet("clusterDomain", "corp.internal").withSet("lraCoordinator.replicas", 1).render());

        assertThat(manifests.configEnv(manifests.container("shop-order-route")))
                .containsEntry("LRA_COORDINATOR_URL",
                        "http://shop-lra-coordinator-0.shop-lra-coordinator-headless.sales.svc.corp.internal:8090");
        assertThat(manifests.configEnv(manifests.container("shop-lra-coordinator")))
                .containsEntry("SAGA_COORDINATOR_ADVERTISED_URL",
                        "http://$(POD_NAME).shop-lra-coordinator-headless.sales.svc.corp.internal:8090");
    }

    @Test
    void theCoordinatorShardsDisruptionBudgetCanBeTurnedOff() {
        Manifests manifests = Manifests.parse(Scenarios.RENDERER
                .withSet("lraCoordinator.podDisruptionBudget.enabled", false).render());

        assertThat(manifests.ofType(V1PodDisruptionBudget.class)).isEmpty();
    }

    @Test
    void networkPoliciesCanBeTurnedOff() {
        Manifests manifests = Scenarios.manifests(Scenarios.named("40-no-network-policies-values.yaml"));

        assertThat(manifests.ofType(V1NetworkPolicy.class)).isEmpty();
    }

    @Test
    void optionalObjectsAreRenderedWhenAskedFor() {
        Manifests manifests = Scenarios.manifests(Scenarios.named("50-extras-values.yaml"));

        assertThat(manifests.ofType(V1PodDisruptionBudget.class)).extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("shop-order-route", "shop-credit-route", "shop-payment-route",
                        "shop-lra-coordinator");
        assertThat(manifests.ofType(V2HorizontalPodAutoscaler.class)).extracting(h -> h.getSpec().getScaleTargetRef()
                .getName()).containsExactlyInAnyOrder("shop-order-route", "shop-credit-route", "shop-payment-route");
        assertThat(manifests.custom("ServiceMonitor")).hasSize(4);
        assertThat(manifests.custom("HTTPRoute")).hasSize(1);
        assertThat(manifests.ofType(V1ConfigMap.class)).filteredOn(map -> map.getMetadata().getLabels()
                .containsKey("grafana_dashboard")).singleElement().satisfies(map -> {
                    assertThat(map.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
                    assertThat(map.getData().get("saga-overview.json")).contains("\"title\": \"Saga overview\"");
                });
        assertThat(manifests.ofType(V1Ingress.class)).isEmpty();
        for (String route : ROUTES) {
            assertThat(manifests.deployment("shop-" + route).getSpec().getReplicas())
                    .as("replicas are left to the autoscaler").isNull();
        }
    }

    @Test
    void optionalObjectsAreOffByDefault() {
        Manifests manifests = Scenarios.manifests(Scenarios.named("00-defaults-values.yaml"));

        assertThat(manifests.ofType(V1PodDisruptionBudget.class)).as("only the coordinator shards'")
                .extracting(p -> p.getMetadata().getName()).containsExactly("saga-lra-coordinator");
        assertThat(manifests.ofType(V2HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(manifests.custom("ServiceMonitor")).isEmpty();
        assertThat(manifests.custom("HTTPRoute")).isEmpty();
        assertThat(manifests.ofType(V1ConfigMap.class)).noneMatch(map -> map.getMetadata().getLabels() != null
                && map.getMetadata().getLabels().containsKey("grafana_dashboard"));
    }
}
