package io.k8saga.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.chart.ChartRenderer;
import io.k8saga.chart.Manifests;
import io.k8saga.chart.Manifests.ContainerRef;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kind overlay as kustomize builds it: every object parses strictly (a misspelt field fails), and the rules the
 * chart follows hold for the plain manifests too.
 */
class KindOverlayPolicyTest {

    /** The labels of the deployment contract. */
    private static final String NAME = "app.kubernetes.io/name";
    private static final String COMPONENT = "app.kubernetes.io/component";
    private static final String PART_OF = "app.kubernetes.io/part-of";
    private static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    private static final List<String> STANDARD_LABELS = List.of(NAME, "app.kubernetes.io/instance", COMPONENT, PART_OF,
            "app.kubernetes.io/version", MANAGED_BY);

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
    void theApplicationsProbeOnThePortNamedHttp() {
        for (String name : Repository.APPLICATIONS) {
            V1Container container = application(name);
            assertThat(List.of(container.getStartupProbe(), container.getLivenessProbe(), container.getReadinessProbe()))
                    .as(name)
                    .allSatisfy(probe -> assertThat(probe.getHttpGet().getPort()).isEqualTo(new IntOrString("http")));
        }
    }

    @Test
    void everyObjectCarriesTheStandardLabels() {
        for (KubernetesObject object : overlay.all()) {
            if (object instanceof V1Namespace) {
                continue;
            }
            // The overlay's Secrets are not in the base, which sets instance and version.
            List<String> keys = object instanceof V1Secret ? List.of(NAME, COMPONENT, PART_OF, MANAGED_BY) : STANDARD_LABELS;
            assertThat(object.getMetadata().getLabels()).as(describe(object)).containsKeys(keys.toArray(String[]::new))
                    .containsEntry(PART_OF, "saga");
        }
    }

    @Test
    void everyWorkloadAndItsPodsCarryAllStandardLabelsWithTheProjectVersion() {
        String version = System.getProperty("project.version");
        assertThat(version).as("system property project.version (set by the k8s pom)").isNotBlank();
        for (Map.Entry<String, V1ObjectMeta> entry : workloadAndPodMetadata().entrySet()) {
            assertThat(entry.getValue().getLabels()).as(entry.getKey())
                    .containsKeys(STANDARD_LABELS.toArray(String[]::new))
                    .containsEntry("app.kubernetes.io/version", version);
        }
    }

    @Test
    void selectorsUseOnlyNameInstanceAndComponent() {
        Set<String> allowed = Set.of(NAME, "app.kubernetes.io/instance", COMPONENT);
        List<Map<String, String>> selectors = new ArrayList<>();
        overlay.ofType(V1Deployment.class).forEach(d -> selectors.add(d.getSpec().getSelector().getMatchLabels()));
        overlay.ofType(V1StatefulSet.class).forEach(s -> selectors.add(s.getSpec().getSelector().getMatchLabels()));
        overlay.ofType(V1Service.class).forEach(s -> selectors.add(s.getSpec().getSelector()));
        assertThat(selectors).isNotEmpty().allSatisfy(selector -> assertThat(allowed).containsAll(selector.keySet()));
    }

    private static String describe(KubernetesObject object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }

    /** The metadata of every Deployment, StatefulSet, Job and Service, and of their pod templates. */
    private Map<String, V1ObjectMeta> workloadAndPodMetadata() {
        Map<String, V1ObjectMeta> metadata = new HashMap<>();
        for (V1Deployment d : overlay.ofType(V1Deployment.class)) {
            metadata.put(describe(d), d.getMetadata());
            metadata.put(describe(d) + " pods", d.getSpec().getTemplate().getMetadata());
        }
        for (V1StatefulSet s : overlay.ofType(V1StatefulSet.class)) {
            metadata.put(describe(s), s.getMetadata());
            metadata.put(describe(s) + " pods", s.getSpec().getTemplate().getMetadata());
        }
        for (V1Job j : overlay.ofType(V1Job.class)) {
            metadata.put(describe(j), j.getMetadata());
            metadata.put(describe(j) + " pods", j.getSpec().getTemplate().getMetadata());
        }
        overlay.ofType(V1Service.class).forEach(s -> metadata.put(describe(s), s.getMetadata()));
        return metadata;
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
    void theApplicationsRunAsUser185() {
        for (String name : Repository.APPLICATIONS) {
            V1PodSpec pod = overlay.podTemplate(name).getSpec();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(name).isEqualTo(185L);
            assertThat(pod.getSecurityContext().getFsGroup()).as(name).isEqualTo(185L);
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
    void eachRoutePodNamesItsKafkaConsumersAfterItself() {
        for (String route : ChartRenderer.ROUTES) {
            assertThat(Manifests.fieldEnv(application(route))).as(route)
                    .containsEntry("SAGA_INSTANCE_ID", "metadata.name");
        }
    }

    @Test
    void eachRouteVerifiesTokensWithTheKeyOfTheSecretKindE2eCreates() {
        for (String route : ChartRenderer.ROUTES) {
            V1Container container = application(route);
            assertThat(Manifests.secretEnv(container)).as(route).hasEntrySatisfying("MP_JWT_VERIFY_PUBLICKEY", ref -> {
                assertThat(ref.getName()).isEqualTo("saga-api-token-key");
                assertThat(ref.getKey()).isEqualTo("public-key");
            });
            assertThat(overlay.configEnv(container)).as(route)
                    .containsEntry("MP_JWT_VERIFY_ISSUER", "saga-kind")
                    .containsEntry("MP_JWT_VERIFY_AUDIENCES", "saga")
                    .doesNotContainKey("MP_JWT_VERIFY_PUBLICKEY_LOCATION");
        }
        assertThat(overlay.envKeys(application("lra-coordinator"))).as("the coordinator checks no tokens")
                .noneMatch(key -> key.startsWith("MP_JWT_") || key.startsWith("SMALLRYE_JWT_")
                        || key.startsWith("SAGA_AUTH_"));
        assertThat(overlay.names(V1Secret.class)).as("a key made by kind-e2e.sh, never one committed")
                .doesNotContain("saga-api-token-key");
    }

    @Test
    void theCoordinatorShardsAreAStatefulSetWithAClaimPerPod() {
        V1StatefulSet coordinator = overlay.statefulSet("lra-coordinator");
        assertThat(coordinator.getSpec().getReplicas()).isEqualTo(2);
        assertThat(coordinator.getSpec().getServiceName()).isEqualTo("lra-coordinator-headless");
        assertThat(coordinator.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
        assertThat(coordinator.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenScaled()).isEqualTo("Retain");
        assertThat(coordinator.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo("object-store");
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        });
        assertThat(application("lra-coordinator").getVolumeMounts())
                .anyMatch(mount -> mount.getName().equals("object-store")
                        && mount.getMountPath().equals("/var/lib/lra-coordinator"));
        assertThat(coordinator.getSpec().getTemplate().getSpec().getVolumes())
                .as("the object store is no volume shared by the pods")
                .noneMatch(volume -> volume.getName().equals("object-store"));
        assertThat(overlay.ofType(V1PersistentVolumeClaim.class)).isEmpty();
    }

    @Test
    void theCoordinatorShardsAreReachedOnlyByTheirPodNamesUnderTheHeadlessService() {
        Map<String, String> podLabels = overlay.podTemplate("lra-coordinator").getMetadata().getLabels();
        List<V1Service> services = overlay.ofType(V1Service.class).stream()
                .filter(service -> podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()))
                .toList();

        assertThat(services).singleElement().satisfies(service -> {
            assertThat(service.getMetadata().getName()).isEqualTo("lra-coordinator-headless");
            assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
            assertThat(service.getSpec().getPorts()).singleElement()
                    .satisfies(port -> assertThat(port.getPort()).isEqualTo(8090));
        });
    }

    @Test
    void eachShardAdvertisesTheUrlTheRoutesListForIt() {
        V1Container coordinator = application("lra-coordinator");
        List<String> names = coordinator.getEnv().stream().map(V1EnvVar::getName).toList();
        assertThat(Manifests.fieldEnv(coordinator)).containsEntry("POD_NAME", "metadata.name");
        assertThat(names.indexOf("POD_NAME")).as("defined before the variable that refers to it")
                .isLessThan(names.indexOf("SAGA_COORDINATOR_ADVERTISED_URL"));
        String advertised = overlay.configEnv(coordinator).get("SAGA_COORDINATOR_ADVERTISED_URL");
        assertThat(advertised).isEqualTo("http://$(POD_NAME).lra-coordinator-headless:8090");

        List<String> shards = new ArrayList<>();
        for (int shard = 0; shard < overlay.statefulSet("lra-coordinator").getSpec().getReplicas(); shard++) {
            shards.add(advertised.replace("$(POD_NAME)", "lra-coordinator-" + shard));
        }
        for (String route : ChartRenderer.ROUTES) {
            assertThat(overlay.configEnv(application(route))).as(route)
                    .containsEntry("LRA_COORDINATOR_URL", String.join(",", shards));
        }
    }

    @Test
    void aDrainEvictsOneCoordinatorShardAtATime() {
        assertThat(overlay.ofType(V1PodDisruptionBudget.class)).singleElement().satisfies(pdb -> {
            assertThat(pdb.getSpec().getSelector().getMatchLabels())
                    .isEqualTo(overlay.statefulSet("lra-coordinator").getSpec().getSelector().getMatchLabels());
            assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
        });
    }

    @Test
    void theIngressExposesOnlyTheThreeApiPrefixesAndTheDashboard() {
        List<V1Ingress> ingresses = overlay.ofType(V1Ingress.class);
        assertThat(ingresses).hasSize(1);
        List<String> routes = ingresses.get(0).getSpec().getRules().stream()
                .flatMap(rule -> rule.getHttp().getPaths().stream())
                .map(KindOverlayPolicyTest::describe)
                .toList();
        assertThat(routes).containsExactlyInAnyOrder(
                "/api/orders Prefix order-route", "/api/customers Prefix credit-route", "/api/payments Prefix payment-route",
                "/ Exact order-route");
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
        List<String> workloads = new ArrayList<>(Repository.APPLICATIONS);
        workloads.addAll(List.of("kafka", "postgresql"));
        for (String name : workloads) {
            assertThat(protectedPods).as(name).contains(Map.of("app.kubernetes.io/name", name));
        }
    }

    @Test
    void theParticipantsAdmitOrderRouteWhichReadsTheirRowsForAnOrdersTimeline() {
        for (String participant : List.of("credit-route", "payment-route")) {
            assertThat(overlay.named(V1NetworkPolicy.class, participant).getSpec().getIngress()).as(participant)
                    .anySatisfy(rule -> assertThat(rule.getFrom()).anySatisfy(peer -> assertThat(peer.getPodSelector())
                            .isNotNull().satisfies(selector -> assertThat(selector.getMatchLabels())
                                    .isEqualTo(Map.of("app.kubernetes.io/name", "order-route")))));
        }
        assertThat(overlay.configEnv(application("order-route")))
                .containsEntry("SAGA_CREDIT_URL", "http://credit-route")
                .containsEntry("SAGA_PAYMENT_URL", "http://payment-route");
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
