package io.k8saga.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.chart.ChartRenderer;
import io.k8saga.chart.Manifests;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart (its defaults scenario, values.yaml plus the auth settings k8s/kind/kind-e2e.sh installs it with) and the
 * kind overlay deploy the same applications: same image, same container ports, same probe paths and ports, same
 * environment variable names (from env, ConfigMaps and Secrets alike), and the routes check tokens the same way.
 */
class ChartAgreementTest {

    /** Set by quarkus-kubernetes in every generated Deployment (not a StatefulSet); nothing of ours reads it. */
    private static final String GENERATED_ONLY = "KUBERNETES_NAMESPACE";

    private static final Path CHART_DIR = Repository.root().resolve("helm/saga");
    private static final Manifests CHART = Manifests.parse(ChartRenderer.of(CHART_DIR)
            .withValuesFile(CHART_DIR.resolve("ci/00-defaults-values.yaml")).render());

    private static V1Container fromChart(String application) {
        return CHART.container(ChartRenderer.DEFAULT_RELEASE + "-" + application);
    }

    private static V1Container fromK8s(String application) {
        return Repository.kindOverlay().container(application);
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.k8s.Repository#applications")
    void sameImage(String application) {
        // quarkus-kubernetes spells out Docker Hub's registry, which a bare name implies.
        assertThat(fromK8s(application).getImage().replaceFirst("^docker\\.io/", ""))
                .isEqualTo(fromChart(application).getImage());
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.k8s.Repository#applications")
    void sameContainerPorts(String application) {
        assertThat(ports(fromK8s(application))).isEqualTo(ports(fromChart(application)));
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.k8s.Repository#applications")
    void sameProbePathsAndPorts(String application) {
        assertThat(probes(fromK8s(application))).isEqualTo(probes(fromChart(application)));
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.k8s.Repository#applications")
    void sameEnvironmentKeys(String application) {
        List<String> k8s = new ArrayList<>(Repository.kindOverlay().envKeys(fromK8s(application)));
        k8s.remove(GENERATED_ONLY);
        assertThat(k8s).isEqualTo(CHART.envKeys(fromChart(application)));
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.k8s.Repository#applications")
    void sameTokenVerification(String application) {
        assertThat(tokenSettings(Repository.kindOverlay(), fromK8s(application)))
                .isEqualTo(tokenSettings(CHART, fromChart(application)));
    }

    /** The token settings of a container: plain values, and "Secret name/key" for those read from a Secret. */
    private static Map<String, String> tokenSettings(Manifests manifests, V1Container container) {
        Map<String, String> settings = new TreeMap<>();
        manifests.configEnv(container).forEach((name, value) -> {
            if (isTokenSetting(name)) {
                settings.put(name, value);
            }
        });
        Manifests.secretEnv(container).forEach((name, ref) -> {
            if (isTokenSetting(name)) {
                settings.put(name, "Secret " + ref.getName() + "/" + ref.getKey());
            }
        });
        return settings;
    }

    private static boolean isTokenSetting(String name) {
        return name.startsWith("MP_JWT_") || name.startsWith("SMALLRYE_JWT_") || name.startsWith("SAGA_AUTH_");
    }

    private static Map<String, Integer> ports(V1Container container) {
        Map<String, Integer> ports = new TreeMap<>();
        for (V1ContainerPort port : container.getPorts()) {
            ports.put(port.getName(), port.getContainerPort());
        }
        return ports;
    }

    /** Probe kind to "path on port number", named ports resolved. */
    private static Map<String, String> probes(V1Container container) {
        Map<String, String> probes = new TreeMap<>();
        probes.put("startup", describe(container, container.getStartupProbe()));
        probes.put("liveness", describe(container, container.getLivenessProbe()));
        probes.put("readiness", describe(container, container.getReadinessProbe()));
        return probes;
    }

    private static String describe(V1Container container, V1Probe probe) {
        IntOrString port = probe.getHttpGet().getPort();
        int number = port.isInteger() ? port.getIntValue() : ports(container).get(port.getStrValue());
        return probe.getHttpGet().getPath() + " on " + number;
    }
}
