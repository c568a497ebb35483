package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rendered object parses strictly into client-java's model, the offline stand-in for API-server validation.
 * The two CRD kinds the chart can render (ServiceMonitor, HTTPRoute) have no model there; they are checked by
 * structure instead.
 */
class StrictParsingTest {

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void everyRenderedObjectParsesStrictly(Path scenario) {
        String yaml = Scenarios.yaml(scenario);
        Manifests manifests = Manifests.parse(yaml);

        long documents = yaml.lines().filter(line -> line.startsWith("kind:")).count();
        assertThat(manifests.all().size() + manifests.custom().size()).isEqualTo(documents);
        assertThat(manifests.custom()).extracting(Manifests.Custom::kind)
                .allMatch(kind -> List.of("ServiceMonitor", "HTTPRoute").contains(kind));
    }

    @Test
    void aMisspeltFieldIsRefused() {
        String misspelt = """
                apiVersion: v1
                kind: Service
                metadata:
                  name: saga-order-route
                spec:
                  selector: {app: x}
                  prots:
                    - port: 80
                """;

        assertThatThrownBy(() -> Manifests.parse(misspelt))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Service");
    }

    @Test
    void aFieldOfTheWrongTypeIsRefused() {
        String wrongType = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: saga-order-route
                spec:
                  replicas: three
                  selector: {matchLabels: {app: x}}
                  template:
                    metadata: {labels: {app: x}}
                    spec:
                      containers: [{name: x, image: "x:1"}]
                """;

        assertThatThrownBy(() -> Manifests.parse(wrongType)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void serviceMonitorsScrapeQuarkusMetricsOfEachRouteAndTheCoordinatorShards() {
        List<Manifests.Custom> monitors = Scenarios.manifests(Scenarios.named("50-extras-values.yaml"))
                .custom("ServiceMonitor");

        assertThat(monitors).extracting(monitor -> map(map(map(monitor.body(), "spec"), "selector"), "matchLabels")
                .get("app.kubernetes.io/component")).containsExactlyInAnyOrder("order-route", "credit-route",
                        "payment-route", "lra-coordinator");
        assertThat(monitors).allSatisfy(monitor -> {
            assertThat(monitor.apiVersion()).isEqualTo("monitoring.coreos.com/v1");
            assertThat(monitor.body()).containsOnlyKeys("apiVersion", "kind", "metadata", "spec");
            Map<String, Object> spec = map(monitor.body(), "spec");
            assertThat(spec).containsOnlyKeys("selector", "endpoints");
            assertThat(map(map(spec, "selector"), "matchLabels")).containsOnlyKeys("app.kubernetes.io/name",
                    "app.kubernetes.io/instance", "app.kubernetes.io/component");
            assertThat(list(spec, "endpoints")).singleElement().isEqualTo(
                    Map.of("port", "http", "path", "/q/metrics", "interval", "30s"));
            assertThat(map(map(monitor.body(), "metadata"), "labels")).containsEntry("release", "prometheus");
        });
    }

    @Test
    void httpRouteSendsTheThreeApiPrefixesToTheirServicesAndOnlyTheDashboardsPathItself() {
        Manifests.Custom route = Scenarios.manifests(Scenarios.named("50-extras-values.yaml"))
                .custom("HTTPRoute").get(0);

        assertThat(route.apiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
        Map<String, Object> spec = map(route.body(), "spec");
        assertThat(spec).containsOnlyKeys("parentRefs", "hostnames", "rules");
        assertThat(list(spec, "parentRefs")).containsExactly(Map.of("name", "public", "namespace", "gateway-system"));
        assertThat(list(spec, "rules")).containsExactlyInAnyOrder(
                rule("PathPrefix", "/api/orders", "shop-order-route"),
                rule("PathPrefix", "/api/customers", "shop-credit-route"),
                rule("PathPrefix", "/api/payments", "shop-payment-route"),
                rule("Exact", "/", "shop-order-route"));
    }

    private static Map<String, Object> rule(String type, String path, String service) {
        return Map.of(
                "matches", List.of(Map.of("path", Map.of("type", type, "value", path))),
                "backendRefs", List.of(Map.of("name", service, "port", 80)));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String key) {
        return (List<Object>) parent.get(key);
    }
}
