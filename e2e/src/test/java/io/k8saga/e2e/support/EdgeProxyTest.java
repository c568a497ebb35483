package io.k8saga.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeProxyTest {

    private final Path repoRoot = Settings.repoRoot();

    @Test
    void routesExactlyThePathsOfTheChartsIngressToTheirComponents() {
        Map<String, EdgeProxy.Route> routes = EdgeProxy.ingressRoutes(repoRoot,
                component -> URI.create("http://127.0.0.1/" + component));

        assertThat(routes).containsOnly(
                Map.entry("/api/orders", new EdgeProxy.Route(URI.create("http://127.0.0.1/order-route"), false)),
                Map.entry("/api/customers", new EdgeProxy.Route(URI.create("http://127.0.0.1/credit-route"), false)),
                Map.entry("/api/payments", new EdgeProxy.Route(URI.create("http://127.0.0.1/payment-route"), false)),
                Map.entry("/", new EdgeProxy.Route(URI.create("http://127.0.0.1/order-route"), true)));
    }

    @Test
    void anExactPathMatchesOnlyItself() {
        String config = EdgeProxy.configuration(Path.of("/tmp/edge"), 18085,
                Map.of("/", new EdgeProxy.Route(URI.create("http://127.0.0.1:18081"), true)));

        assertThat(config).contains("location = / { proxy_pass http://127.0.0.1:18081; }")
                .doesNotContain("location =  {").doesNotContain("location // {");
    }

    @Test
    void aPrefixMatchesThePathAndItsSubpathsOnlyAndEverythingElseGetsThePlainNotFound() {
        String config = EdgeProxy.configuration(Path.of("/tmp/edge"), 18085,
                Map.of("/api/orders", new EdgeProxy.Route(URI.create("http://127.0.0.1:18081"), false)));

        assertThat(config)
                .contains("location = /api/orders { proxy_pass http://127.0.0.1:18081; }")
                .contains("location /api/orders/ { proxy_pass http://127.0.0.1:18081; }")
                .contains("listen 127.0.0.1:18085;")
                .contains("return 404 \"404 page not found\\n\";")
                .contains("client_max_body_size 0;")
                .contains("proxy_buffering off;")
                .doesNotContain("location /api/orders {");
    }
}
