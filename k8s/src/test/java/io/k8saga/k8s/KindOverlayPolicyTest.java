package io.k8saga.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.chart.Manifests;
import io.k8saga.chart.Manifests.ContainerRef;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * The kind overlay as kustomize builds it: every object parses strictly (a misspelt field fails), and the rules the
 * chart follows hold for the plain manifests too.
 */
class KindOverlayPolicyTest {

    private final Manifests overlay = Repository.kindOverlay();

    private V1Container application(String name) {
        return overlay.container(name);
    }

    @Test
    void everyObjectIsAKnownKindParsedStrictly() {
        assertThat(overlay.custom()).as("objects of kinds client-java cannot check").isEmpty();
        assertThat(overlay.all()).hasSizeGreaterThan(25);
    }

    @Test
    void theApplicationsProbeTheirQuarkusHealthEndpoints() {
        for (String name : Repository.APPLICATIONS) {
            V1Container container = application(name);
            assertThat(container.getStartupProbe().getHttpGet().getPath()).as(name).isEqualTo("/q/health/started");
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).as(name).isEqualTo("/q/health/live");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).as(name).isEqualTo("/q/health/ready");
        }
    }

    @Test
    void everyContainerHasResourceRequestsAndLimits() {
        for (ContainerRef ref : overlay.containers()) {
            assertThat(ref.container().getResources()).as(ref.ownerName()).isNotNull();
            assertThat(ref.container().getResources().getRequests()).as(ref.ownerName()).containsKeys("cpu", "memory");
            assertThat(ref.container().getResources().getLimits()).as(ref.ownerName()).containsKeys("cpu", "memory");
        }
    }

    @Test
    void everyPodRunsAsNonRootWithoutPrivilegesOrServiceLinks() {
        for (ContainerRef ref : overlay.containers()) {
            V1PodSpec pod = ref.podSpec();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(ref.ownerName()).isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).as(ref.ownerName()).isEqualTo("RuntimeDefault");
            assertThat(pod.getEnableServiceLinks()).as(ref.ownerName()).isFalse();
            assertThat(ref.container().getSecurityContext().getAllowPrivilegeEscalation()).as(ref.ownerName()).isFalse();
            assertThat(ref.container().getSecurityContext().getCapabilities().getDrop()).as(ref.ownerName()).containsExactly("ALL");
        }
    }

    @Test
    void theApplicationsHaveAReadOnlyRootAndAWritableTmp() {
        for (String name : Repository.APPLICATIONS) {
            V1Container container = application(name);
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(name).isTrue();
            assertThat(container.getVolumeMounts()).extracting(V1VolumeMount::getMountPath).as(name).contains("/tmp");
        }
    }

    @Test
    void oneCoordinatorReplacedNotRolledWithItsObjectStoreOnAVolume() {
        V1Deployment coordinator = overlay.deployment("lra-coordinator");
        assertThat(coordinator.getSpec().getReplicas()).isEqualTo(1);
        assertThat(coordinator.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(coordinator.getSpec().getTemplate().getSpec().getVolumes())
                .anyMatch(volume -> volume.getPersistentVolumeClaim() != null
                        && "lra-coordinator-object-store".equals(volume.getPersistentVolumeClaim().getClaimName()));
        assertThat(application("lra-coordinator").getVolumeMounts())
                .anyMatch(mount -> mount.getMountPath().equals("/var/lib/lra-coordinator"));
    }

    @Test
    void theIngressExposesOnlyTheThreeApiPrefixes() {
        List<V1Ingress> ingresses = overlay.ofType(V1Ingress.class);
        assertThat(ingresses).hasSize(1);
        List<String> routes = ingresses.get(0).getSpec().getRules().stream()
                .flatMap(rule -> rule.getHttp().getPaths().stream())
                .map(KindOverlayPolicyTest::describe)
                .toList();
        assertThat(routes).containsExactlyInAnyOrder(
                "/api/orders Prefix order-route", "/api/customers Prefix credit-route", "/api/payments Prefix payment-route");
    }

    private static String describe(V1HTTPIngressPath path) {
        return path.getPath() + " " + path.getPathType() + " " + path.getBackend().getService().getName();
    }

    @Test
    void everyWorkloadThatServesTrafficIsBehindANetworkPolicy() {
        List<Map<String, String>> protectedPods = overlay.ofType(V1NetworkPolicy.class).stream()
                .map(policy -> policy.getSpec().getPodSelector().getMatchLabels())
                .filter(Objects::nonNull)
                .toList();
        for (String name : List.of("lra-coordinator", "credit-route", "payment-route", "order-route", "kafka", "postgresql")) {
            assertThat(protectedPods).as(name).contains(Map.of("app.kubernetes.io/name", name));
        }
    }

    @Test
    void imagesArePinnedAndNeverPulledWhenPresent() {
        for (ContainerRef ref : overlay.containers()) {
            String image = ref.container().getImage();
            assertThat(image).as(ref.ownerName()).contains(":").doesNotEndWith(":latest");
            assertThat(ref.container().getImagePullPolicy()).as(ref.ownerName()).isEqualTo("IfNotPresent");
        }
    }

    @Test
    void noServiceIsNamedKafka() {
        assertThat(overlay.names(V1Service.class)).doesNotContain("kafka");
    }

    @Test
    void noConfigMapHoldsACredential() {
        for (V1ConfigMap configMap : overlay.ofType(V1ConfigMap.class)) {
            if (configMap.getData() != null) {
                assertThat(configMap.getData().keySet()).as(configMap.getMetadata().getName())
                        .noneMatch(key -> key.matches("(?i).*(password|secret|token).*"));
            }
        }
    }
}
