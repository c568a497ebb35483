package io.k8saga.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.chart.ChartRenderer;
import io.k8saga.chart.Manifests;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chart rendered exactly as {@code k8s/kind/kind-e2e.sh deploy helm} installs it: the {@code --set} flags of its
 * {@code helm upgrade --install}, read from the script with its variables' values. What the kind run relies on is in
 * there: two coordinator shards, each with its own volume (kind's default StorageClass), under a headless Service and
 * a disruption budget, and routes that accept the tokens the script signs, read from the Secret it creates.
 */
class KindInstallTest {

    private static final Pattern SET = Pattern.compile("--set \"([^=\"]+)=\\$([A-Z_]+)\"");

    private static Map<String, String> values;
    private static Manifests rendered;

    @BeforeAll
    static void renderAsTheScriptInstalls() throws IOException {
        String script = KindScriptTest.script();
        String deploy = KindScriptTest.function(script, "cmd_deploy");
        String helm = deploy.substring(deploy.indexOf("helm upgrade --install"), deploy.indexOf("kustomize)"));
        values = new LinkedHashMap<>();
        Matcher set = SET.matcher(helm);
        while (set.find()) {
            values.put(set.group(1), KindScriptTest.variable(script, set.group(2)));
        }
        ChartRenderer renderer = ChartRenderer.of(Repository.root().resolve("helm/saga")).withTests();
        for (Map.Entry<String, String> value : values.entrySet()) {
            renderer = renderer.withSet(value.getKey(), value.getValue());
        }
        rendered = Manifests.parse(renderer.render());
    }

    @Test
    void theScriptSetsTheTokenSettingsAndNothingElse() {
        assertThat(values).containsOnlyKeys("auth.issuer", "auth.audience", "auth.existingSecret", "tests.tokenSecret");
    }

    @Test
    void twoCoordinatorShardsEachWithItsOwnVolumeOnTheDefaultStorageClass() {
        V1StatefulSet coordinator = rendered.statefulSet("saga-lra-coordinator");

        assertThat(coordinator.getSpec().getReplicas()).isEqualTo(2);
        assertThat(coordinator.getSpec().getVolumeClaimTemplates()).hasSize(1);
        V1PersistentVolumeClaim claim = coordinator.getSpec().getVolumeClaimTemplates().get(0);
        assertThat(claim.getSpec().getStorageClassName()).as("kind's default (local-path)").isNull();
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        V1Service headless = rendered.named(V1Service.class, coordinator.getSpec().getServiceName());
        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(rendered.ofType(V1PodDisruptionBudget.class))
                .anySatisfy(budget -> assertThat(budget.getSpec().getSelector().getMatchLabels())
                        .isEqualTo(coordinator.getSpec().getSelector().getMatchLabels()));
    }

    @Test
    void everyRouteVerifiesTheScriptsTokensWithTheKeyFromItsSecret() throws IOException {
        String script = KindScriptTest.script();
        for (String route : ChartRenderer.ROUTES) {
            V1Container container = rendered.container("saga-" + route);
            assertThat(rendered.configEnv(container)).as(route)
                    .containsEntry("MP_JWT_VERIFY_ISSUER", KindScriptTest.variable(script, "TOKEN_ISSUER"))
                    .containsEntry("MP_JWT_VERIFY_AUDIENCES", KindScriptTest.variable(script, "TOKEN_AUDIENCE"));
            assertThat(Manifests.secretEnv(container)).as(route).hasEntrySatisfying("MP_JWT_VERIFY_PUBLICKEY",
                    key -> assertThat(key.getName()).isEqualTo(KindScriptTest.variable(script, "TOKEN_SECRET")));
        }
    }

    @Test
    void theHelmTestPodSendsTheTokenOfTheScriptsSecret() throws IOException {
        String secret = KindScriptTest.variable(KindScriptTest.script(), "HELM_TEST_TOKEN_SECRET");
        assertThat(rendered.all().toString()).contains(secret);
        assertThat(rendered.containers()).anySatisfy(ref -> assertThat(Manifests.secretEnv(ref.container()).values())
                .anySatisfy(selector -> assertThat(selector.getName()).isEqualTo(secret)));
    }
}
