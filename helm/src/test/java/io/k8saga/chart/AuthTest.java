package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The routes' bearer-token settings (values {@code auth.*}): the chart refuses to render without an issuer and exactly
 * one key source, gives each route the environment smallrye-jwt reads, and gives the coordinator none of it.
 */
class AuthTest {

    private static final List<String> ROUTES = ChartRenderer.ROUTES;
    private static final String ISSUER = "https://keycloak.example/realms/shop";
    private static final String JWKS = ISSUER + "/protocol/openid-connect/certs";
    private static final String PUBLIC_KEY = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtest";
    /** Every variable the chart sets for token verification; a route gets one of the two key variables. */
    private static final List<String> AUTH_ENV = List.of("MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES",
            "MP_JWT_VERIFY_PUBLICKEY", "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "SMALLRYE_JWT_PATH_GROUPS",
            "SAGA_AUTH_CUSTOMER_CLAIM");

    private static ChartRenderer withIssuer() {
        return Scenarios.BARE.withSet("auth.issuer", ISSUER);
    }

    @Test
    void renderingFailsWithoutAnIssuer() {
        assertThatThrownBy(() -> Scenarios.BARE.withSet("auth.jwksUrl", JWKS).render())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("auth.issuer is required");
    }

    @Test
    void renderingFailsWithoutAKeySource() {
        assertThatThrownBy(() -> withIssuer().render())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set exactly one of auth.jwksUrl, auth.publicKey and auth.existingSecret")
                .hasMessageContaining("none is set");
    }

    @Test
    void renderingFailsWithTwoKeySources() {
        assertThatThrownBy(() -> withIssuer().withSet("auth.jwksUrl", JWKS).withSet("auth.existingSecret", "keys")
                .render())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set exactly one of")
                .hasMessageContaining("auth.jwksUrl, auth.existingSecret are set");
    }

    @Test
    void renderingFailsWithAllThreeKeySources() {
        assertThatThrownBy(() -> withIssuer().withSet("auth.jwksUrl", JWKS).withSet("auth.publicKey", PUBLIC_KEY)
                .withSet("auth.existingSecret", "keys").render())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("auth.jwksUrl, auth.publicKey, auth.existingSecret are set");
    }

    @Test
    void aJwksUrlIsAPlainSettingAndNeedsNoSecret() {
        Manifests manifests = Manifests.parse(withIssuer().withSet("auth.jwksUrl", JWKS).render());

        for (String route : ROUTES) {
            V1Container container = manifests.container("saga-" + route);
            assertThat(manifests.configEnv(container)).as(route)
                    .containsEntry("MP_JWT_VERIFY_PUBLICKEY_LOCATION", JWKS)
                    .containsEntry("MP_JWT_VERIFY_ISSUER", ISSUER)
                    .doesNotContainKey("MP_JWT_VERIFY_PUBLICKEY");
            assertThat(Manifests.secretEnv(container)).as(route).doesNotContainKey("MP_JWT_VERIFY_PUBLICKEY");
        }
        assertThat(manifests.names(V1Secret.class)).doesNotContain("saga-jwt-public-key");
    }

    @Test
    void anInlinePublicKeyGoesIntoASecretOfTheChartsOwn() {
        Manifests manifests = Manifests.parse(withIssuer().withSet("auth.publicKey", PUBLIC_KEY).render());

        V1Secret secret = manifests.named(V1Secret.class, "saga-jwt-public-key");
        assertThat(new String(secret.getData().get("public-key"), StandardCharsets.UTF_8)).isEqualTo(PUBLIC_KEY);
        for (String route : ROUTES) {
            V1Container container = manifests.container("saga-" + route);
            assertKeyFromSecret(route, container, "saga-jwt-public-key");
            assertThat(manifests.configEnv(container)).as(route).doesNotContainKey("MP_JWT_VERIFY_PUBLICKEY_LOCATION")
                    .doesNotContainValue(PUBLIC_KEY);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPemPublicKeyIsKeptAsGiven() {
        Path scenario = Scenarios.named("30-replicas-values.yaml");
        String pem = (String) ((Map<String, Object>) Scenarios.values(scenario).get("auth")).get("publicKey");

        String stored = new String(Scenarios.manifests(scenario).named(V1Secret.class, "saga-jwt-public-key").getData()
                .get("public-key"), StandardCharsets.UTF_8);
        assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n");
        assertThat(stored).isEqualTo(pem);
    }

    @Test
    void anExistingSecretIsReadAndTheChartMakesNone() {
        Manifests manifests = Manifests.parse(withIssuer().withSet("auth.existingSecret", "shop-api-key").render());

        for (String route : ROUTES) {
            V1Container container = manifests.container("saga-" + route);
            assertKeyFromSecret(route, container, "shop-api-key");
            assertThat(manifests.configEnv(container)).as(route).doesNotContainKey("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
        }
        assertThat(manifests.names(V1Secret.class)).doesNotContain("saga-jwt-public-key", "shop-api-key");
    }

    @Test
    void theClaimsAndTheAudienceHaveDefaultsAndCanBeChanged() {
        Manifests defaults = Manifests.parse(withIssuer().withSet("auth.jwksUrl", JWKS).render());
        Manifests keycloak = Manifests.parse(withIssuer().withSet("auth.jwksUrl", JWKS)
                .withSet("auth.audience", "shop-api").withSet("auth.rolesClaim", "realm_access/roles")
                .withSet("auth.customerClaim", "shop_customer").render());

        for (String route : ROUTES) {
            assertThat(defaults.configEnv(defaults.container("saga-" + route))).as(route)
                    .containsEntry("MP_JWT_VERIFY_AUDIENCES", "saga")
                    .containsEntry("SMALLRYE_JWT_PATH_GROUPS", "groups")
                    .containsEntry("SAGA_AUTH_CUSTOMER_CLAIM", "customer_id");
            assertThat(keycloak.configEnv(keycloak.container("saga-" + route))).as(route)
                    .containsEntry("MP_JWT_VERIFY_AUDIENCES", "shop-api")
                    .containsEntry("SMALLRYE_JWT_PATH_GROUPS", "realm_access/roles")
                    .containsEntry("SAGA_AUTH_CUSTOMER_CLAIM", "shop_customer");
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void everyRouteVerifiesTokensWithExactlyOneKeyAndTheCoordinatorGetsNone(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        String prefix = Scenarios.prefix(scenario);
        for (String route : ROUTES) {
            List<String> keys = manifests.envKeys(manifests.container(prefix + "-" + route));
            assertThat(keys).as(route).contains("MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES",
                    "SMALLRYE_JWT_PATH_GROUPS", "SAGA_AUTH_CUSTOMER_CLAIM");
            assertThat(keys.stream().filter(key -> key.startsWith("MP_JWT_VERIFY_PUBLICKEY"))).as(route).hasSize(1);
        }
        assertThat(manifests.envKeys(manifests.container(prefix + "-lra-coordinator")))
                .doesNotContainAnyElementsOf(AUTH_ENV)
                .noneMatch(key -> key.startsWith("MP_JWT") || key.startsWith("SMALLRYE_JWT"));
    }

    @Test
    void routePodsRollWhenTheKeyOrTheIssuerChanges() {
        ChartRenderer inline = withIssuer().withSet("auth.publicKey", PUBLIC_KEY);
        Map<String, String> before = podAnnotations(inline);
        Map<String, String> otherKey = podAnnotations(withIssuer().withSet("auth.publicKey", PUBLIC_KEY + "2"));
        Map<String, String> otherSecret = podAnnotations(withIssuer().withSet("auth.existingSecret", "other"));
        Map<String, String> otherIssuer = podAnnotations(Scenarios.BARE.withSet("auth.issuer", "https://other")
                .withSet("auth.publicKey", PUBLIC_KEY));

        assertThat(otherKey.get("checksum/secret")).isNotEqualTo(before.get("checksum/secret"));
        assertThat(otherSecret.get("checksum/secret")).isNotEqualTo(before.get("checksum/secret"));
        assertThat(otherIssuer.get("checksum/config")).isNotEqualTo(before.get("checksum/config"));
    }

    @Test
    void withoutATokenTheHelmTestOnlyChecksThatAnonymousCallsAreRefused() {
        V1Container test = testContainer(Scenarios.RENDERER);

        assertThat(Manifests.secretEnv(test)).isEmpty();
        assertThat(String.join("\n", test.getCommand())).contains("if [ -z \"${API_TOKEN:-}\" ]", "exit 0");
    }

    @Test
    void withATokenSecretTheHelmTestSendsItOnEveryCall() {
        V1Container test = testContainer(Scenarios.RENDERER.withSet("tests.tokenSecret", "helm-test-token"));

        assertThat(Manifests.secretEnv(test)).containsOnlyKeys("API_TOKEN").hasEntrySatisfying("API_TOKEN", ref -> {
            assertThat(ref.getName()).isEqualTo("helm-test-token");
            assertThat(ref.getKey()).isEqualTo("token");
        });
        String script = String.join("\n", test.getCommand());
        assertThat(script).contains("auth=\"Authorization: Bearer $API_TOKEN\"");
        assertThat(script.lines().filter(line -> line.contains("curl -fsS")))
                .as("every call of the order flow carries the token").hasSize(3)
                .allMatch(line -> line.contains("-H \"$auth\""));
    }

    private static void assertKeyFromSecret(String route, V1Container container, String secretName) {
        V1SecretKeySelector ref = Manifests.secretEnv(container).get("MP_JWT_VERIFY_PUBLICKEY");
        assertThat(ref).as(route + ": MP_JWT_VERIFY_PUBLICKEY from a Secret").isNotNull();
        assertThat(ref.getName()).as(route).isEqualTo(secretName);
        assertThat(ref.getKey()).as(route).isEqualTo("public-key");
    }

    private static Map<String, String> podAnnotations(ChartRenderer renderer) {
        return Manifests.parse(renderer.render()).deployment("saga-order-route").getSpec().getTemplate().getMetadata()
                .getAnnotations();
    }

    private static V1Container testContainer(ChartRenderer renderer) {
        Manifests manifests = Manifests.parse(renderer.withTests().render());
        return manifests.ofType(V1Pod.class).get(0).getSpec().getContainers().get(0);
    }
}
