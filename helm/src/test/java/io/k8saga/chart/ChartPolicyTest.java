package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.k8saga.chart.Manifests.ContainerRef;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The deployment rules, one test per rule, checked on the objects of every ci/ scenario (the helm test pod
 * included). See /tmp/k8s-contract.md for where the rules come from; helm/saga/README.md lists them.
 */
class ChartPolicyTest {

    private static final List<String> ROUTES = ChartRenderer.ROUTES;
    private static final List<String> QUARKUS_APPS = ChartRenderer.APPLICATIONS;
    private static final Map<String, Integer> PORTS =
            Map.of("order-route", 8081, "credit-route", 8082, "payment-route", 8083, "lra-coordinator", 8090);
    private static final Set<String> SELECTOR_LABELS = Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
            "app.kubernetes.io/component");
    private static final Set<String> STANDARD_LABELS = Set.of("app.kubernetes.io/name", "app.kubernetes.io/instance",
            "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/version",
            "app.kubernetes.io/managed-by");
    private static final String OBJECT_STORE = "/var/lib/lra-coordinator/object-store";

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void quarkusAppsProbeTheirHealthEndpointsOnPortHttp(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        for (String app : QUARKUS_APPS) {
            V1Container container = manifests.container(Scenarios.prefix(scenario) + "-" + app);

            assertThat(container.getPorts()).as(app).singleElement().satisfies(port -> {
                assertThat(port.getName()).isEqualTo("http");
                assertThat(port.getContainerPort()).isEqualTo(PORTS.get(app));
            });
            assertHttpProbe(app, container.getStartupProbe(), "/q/health/started");
            assertHttpProbe(app, container.getLivenessProbe(), "/q/health/live");
            assertHttpProbe(app, container.getReadinessProbe(), "/q/health/ready");
        }
        for (V1StatefulSet store : manifests.ofType(V1StatefulSet.class)) {
            V1Container container = store.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(List.of(container.getStartupProbe(), container.getLivenessProbe(),
                    container.getReadinessProbe())).as(store.getMetadata().getName()).doesNotContainNull();
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void everyContainerHasCpuAndMemoryRequestsAndLimits(Path scenario) {
        for (ContainerRef ref : Scenarios.manifests(scenario).containers()) {
            var resources = ref.container().getResources();
            assertThat(resources).as(describe(ref)).isNotNull();
            for (Map<String, Quantity> list : List.of(resources.getRequests(), resources.getLimits())) {
                assertThat(list).as(describe(ref)).isNotNull().containsKeys("cpu", "memory");
            }
            assertThat(resources.getRequests().get("memory").getNumber())
                    .as(describe(ref) + ": memory request within the limit")
                    .isLessThanOrEqualTo(resources.getLimits().get("memory").getNumber());
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void everyPodRunsRestrictedAndQuarkusAppsHaveReadOnlyRootAndTmp(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        for (ContainerRef ref : manifests.containers()) {
            var pod = ref.podSpec().getSecurityContext();
            assertThat(pod).as(describe(ref)).isNotNull();
            assertThat(pod.getRunAsNonRoot()).as(describe(ref) + " runAsNonRoot").isTrue();
            assertThat(pod.getRunAsUser()).as(describe(ref) + " runAsUser").isNotNull().isPositive();
            assertThat(pod.getSeccompProfile().getType()).as(describe(ref)).isEqualTo("RuntimeDefault");
            assertThat(ref.podSpec().getAutomountServiceAccountToken()).as(describe(ref)).isFalse();

            V1SecurityContext container = ref.container().getSecurityContext();
            assertThat(container).as(describe(ref)).isNotNull();
            assertThat(container.getAllowPrivilegeEscalation()).as(describe(ref)).isFalse();
            assertThat(container.getPrivileged()).as(describe(ref)).isNotEqualTo(Boolean.TRUE);
            assertThat(container.getCapabilities().getDrop()).as(describe(ref)).containsExactly("ALL");
            assertThat(container.getCapabilities().getAdd()).as(describe(ref)).isNullOrEmpty();
        }
        for (String app : QUARKUS_APPS) {
            V1PodSpec pod = manifests.podTemplate(Scenarios.prefix(scenario) + "-" + app).getSpec();
            assertThat(pod.getSecurityContext().getRunAsUser()).as(app).isEqualTo(185L);
            assertThat(pod.getSecurityContext().getFsGroup()).as(app).isEqualTo(185L);
            V1Container container = pod.getContainers().get(0);
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(app).isTrue();
            assertThat(mountedVolume(pod, container, "/tmp").getEmptyDir()).as(app + ": /tmp is an emptyDir")
                    .isNotNull();
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void objectsCarryTheStandardLabelsAndSelectorsUseOnlyNameInstanceComponent(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        for (KubernetesObject object : manifests.all()) {
            Map<String, String> labels = object.getMetadata().getLabels();
            assertThat(labels).as(object.getKind() + " " + object.getMetadata().getName())
                    .containsKeys(STANDARD_LABELS.toArray(String[]::new))
                    .containsEntry("app.kubernetes.io/part-of", "saga")
                    .containsEntry("app.kubernetes.io/instance", ChartRenderer.DEFAULT_RELEASE)
                    .containsEntry("app.kubernetes.io/managed-by", "Helm");
            assertThat(labels.get("app.kubernetes.io/name")).isEqualTo(labels.get("app.kubernetes.io/component"));
        }
        for (Manifests.Custom object : manifests.custom()) {
            assertThat(labelsOf(object)).as(object.kind()).containsKeys(STANDARD_LABELS.toArray(String[]::new));
        }
        List<Map<String, String>> selectors = new ArrayList<>();
        manifests.deployments().forEach(d -> selectors.add(matchLabelsOnly(d.getSpec().getSelector())));
        manifests.ofType(V1StatefulSet.class).forEach(s -> selectors.add(matchLabelsOnly(s.getSpec().getSelector())));
        manifests.ofType(V1PodDisruptionBudget.class)
                .forEach(p -> selectors.add(matchLabelsOnly(p.getSpec().getSelector())));
        manifests.ofType(V1Service.class).forEach(s -> selectors.add(s.getSpec().getSelector()));
        assertThat(selectors).isNotEmpty().allSatisfy(selector -> assertThat(selector.keySet())
                .as("selector %s", selector).isEqualTo(SELECTOR_LABELS));
        for (V1Deployment deployment : manifests.deployments()) {
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        }
        for (V1StatefulSet statefulSet : manifests.ofType(V1StatefulSet.class)) {
            assertThat(statefulSet.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(statefulSet.getSpec().getSelector().getMatchLabels());
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void coordinatorShardsAreOneStatefulSetEachPodWithAClaimOfItsOwn(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        String name = Scenarios.prefix(scenario) + "-lra-coordinator";
        List<String> coordinators = manifests.containers().stream()
                .filter(ref -> ref.container().getImage().contains("/lra-coordinator:"))
                .map(ref -> ref.ownerKind() + " " + ref.ownerName()).toList();
        assertThat(coordinators).containsExactly("StatefulSet " + name);

        V1StatefulSet coordinator = manifests.statefulSet(name);
        assertThat(coordinator.getSpec().getReplicas()).isPositive();
        V1PodSpec pod = coordinator.getSpec().getTemplate().getSpec();
        V1Container container = pod.getContainers().get(0);
        V1VolumeMount store = container.getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().equals("/var/lib/lra-coordinator")).findFirst()
                .orElseThrow(() -> new AssertionError("the object store is not mounted"));
        assertThat(pod.getVolumes()).as("the object store is no volume shared by the pods")
                .noneMatch(volume -> volume.getName().equals(store.getName()));
        assertThat(coordinator.getSpec().getVolumeClaimTemplates()).singleElement().satisfies(claim -> {
            assertThat(claim.getMetadata().getName()).isEqualTo(store.getName());
            assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        });
        assertThat(coordinator.getSpec().getPersistentVolumeClaimRetentionPolicy()).satisfies(retention -> {
            assertThat(retention.getWhenDeleted()).isEqualTo("Retain");
            assertThat(retention.getWhenScaled()).isEqualTo("Retain");
        });
        assertThat(manifests.ofType(V1PersistentVolumeClaim.class)).as("no claim shared by the shards").isEmpty();
        assertThat(pod.getSecurityContext().getFsGroup()).isEqualTo(185L);
        assertThat(manifests.configEnv(container).get("JAVA_TOOL_OPTIONS")).isNotNull()
                .contains("-DObjectStoreEnvironmentBean.objectStoreDir=" + OBJECT_STORE)
                .contains("-DObjectStoreEnvironmentBean.communicationStore.objectStoreDir=" + OBJECT_STORE)
                .containsPattern("-DRecoveryEnvironmentBean\\.periodicRecoveryPeriod=\\d+");
        assertThat(manifests.ofType(V2HorizontalPodAutoscaler.class))
                .noneMatch(hpa -> hpa.getSpec().getScaleTargetRef().getName().equals(name));
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void coordinatorShardsAreReachedOnlyByTheirPodNamesUnderAHeadlessService(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        V1StatefulSet coordinator = manifests.statefulSet(Scenarios.prefix(scenario) + "-lra-coordinator");
        Map<String, String> podLabels = coordinator.getSpec().getTemplate().getMetadata().getLabels();
        List<V1Service> services = manifests.ofType(V1Service.class).stream()
                .filter(service -> podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet()))
                .toList();

        assertThat(services).as("the Services in front of the shards").singleElement().satisfies(service -> {
            assertThat(service.getMetadata().getName()).isEqualTo(coordinator.getSpec().getServiceName());
            assertThat(service.getSpec().getClusterIP()).as("headless").isEqualTo("None");
            assertThat(service.getSpec().getPublishNotReadyAddresses()).isTrue();
            assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
                assertThat(port.getPort()).isEqualTo(PORTS.get("lra-coordinator"));
                assertThat(port.getTargetPort()).isEqualTo(new IntOrString("http"));
            });
        });
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void eachShardAdvertisesTheUrlTheRoutesListForIt(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        V1StatefulSet coordinator = manifests.statefulSet(Scenarios.prefix(scenario) + "-lra-coordinator");
        V1Container container = coordinator.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> names = container.getEnv().stream().map(V1EnvVar::getName).toList();
        assertThat(Manifests.fieldEnv(container)).containsExactly(entry("POD_NAME", "metadata.name"));
        assertThat(names.indexOf("POD_NAME")).as("defined before the variable that refers to it")
                .isLessThan(names.indexOf("SAGA_COORDINATOR_ADVERTISED_URL"));
        String advertised = manifests.configEnv(container).get("SAGA_COORDINATOR_ADVERTISED_URL");

        List<String> podUrls = new ArrayList<>();
        for (int shard = 0; shard < coordinator.getSpec().getReplicas(); shard++) {
            podUrls.add(advertised.replace("$(POD_NAME)", coordinator.getMetadata().getName() + "-" + shard));
        }
        String fqdn = "http://%s-\\d+\\.%s\\.%s\\.svc\\.cluster\\.local:%d".formatted(
                coordinator.getMetadata().getName(), coordinator.getSpec().getServiceName(),
                ChartRenderer.DEFAULT_NAMESPACE, PORTS.get("lra-coordinator"));
        assertThat(podUrls).allSatisfy(url -> assertThat(url).matches(fqdn));
        for (String route : ROUTES) {
            assertThat(manifests.configEnv(manifests.container(Scenarios.prefix(scenario) + "-" + route))
                    .get("LRA_COORDINATOR_URL")).as(route).isEqualTo(String.join(",", podUrls));
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void aDrainEvictsOneCoordinatorShardAtATime(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        V1StatefulSet coordinator = manifests.statefulSet(Scenarios.prefix(scenario) + "-lra-coordinator");

        assertThat(manifests.ofType(V1PodDisruptionBudget.class))
                .filteredOn(pdb -> pdb.getSpec().getSelector().getMatchLabels()
                        .equals(coordinator.getSpec().getSelector().getMatchLabels()))
                .singleElement()
                .satisfies(pdb -> assertThat(pdb.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1)));
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void ingressRoutesOnlyTheThreeApiPrefixesAndTheDashboard(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        String prefix = Scenarios.prefix(scenario);
        Map<String, String> expected = Map.of("/api/orders", prefix + "-order-route",
                "/api/customers", prefix + "-credit-route", "/api/payments", prefix + "-payment-route",
                "/", prefix + "-order-route");
        List<Map<String, String>> published = new ArrayList<>();
        for (V1Ingress ingress : manifests.ofType(V1Ingress.class)) {
            assertThat(ingress.getSpec().getIngressClassName()).isNotBlank();
            assertThat(ingress.getSpec().getDefaultBackend()).isNull();
            List<V1HTTPIngressPath> paths = ingress.getSpec().getRules().stream()
                    .flatMap(rule -> rule.getHttp().getPaths().stream()).toList();
            // The dashboard's / must match only itself, or it would route every other path to order-route.
            assertThat(paths).allSatisfy(path -> assertThat(path.getPathType())
                    .isEqualTo(path.getPath().equals("/") ? "Exact" : "Prefix"));
            published.add(paths.stream().collect(Collectors.toMap(V1HTTPIngressPath::getPath,
                    path -> path.getBackend().getService().getName())));
        }
        for (Manifests.Custom route : manifests.custom("HTTPRoute")) {
            published.add(httpRoutePaths(route));
        }
        assertThat(published).as("the API is published exactly one way, with exactly the three prefixes and the dashboard")
                .containsExactly(expected);
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void networkPoliciesAdmitOnlyTheIntendedPeers(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        List<V1NetworkPolicy> policies = manifests.ofType(V1NetworkPolicy.class);
        boolean enabled = !Boolean.FALSE.equals(nested(Scenarios.values(scenario), "networkPolicy", "enabled"));
        if (!enabled) {
            assertThat(policies).isEmpty();
            return;
        }
        List<String> workloads = new ArrayList<>();
        manifests.deployments().forEach(d -> workloads.add(d.getSpec().getSelector().getMatchLabels()
                .get("app.kubernetes.io/component")));
        manifests.ofType(V1StatefulSet.class).forEach(s -> workloads.add(s.getSpec().getSelector().getMatchLabels()
                .get("app.kubernetes.io/component")));
        for (String component : workloads) {
            V1NetworkPolicy policy = policies.stream()
                    .filter(p -> component.equals(p.getSpec().getPodSelector().getMatchLabels()
                            .get("app.kubernetes.io/component")))
                    .findFirst().orElseThrow(() -> new AssertionError("no NetworkPolicy for " + component));
            assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
            List<V1NetworkPolicyPeer> peers = policy.getSpec().getIngress().stream()
                    .flatMap(rule -> {
                        assertThat(rule.getFrom()).as(component + ": every rule names its peers").isNotEmpty();
                        assertThat(rule.getPorts()).as(component + ": every rule names its ports").isNotEmpty();
                        return rule.getFrom().stream();
                    }).toList();
            Set<String> podPeers = peers.stream().filter(p -> p.getPodSelector() != null)
                    .flatMap(p -> components(p.getPodSelector()).stream()).collect(Collectors.toSet());
            boolean fromOtherNamespaces = peers.stream().anyMatch(p -> p.getNamespaceSelector() != null);
            switch (component) {
                case "order-route" -> {
                    assertThat(podPeers).containsExactlyInAnyOrder("lra-coordinator", "test");
                    assertThat(fromOtherNamespaces).as(component + ": the ingress controller's namespace").isTrue();
                }
                // order-route reads the participants' rows for an order's timeline.
                case "credit-route", "payment-route" -> {
                    assertThat(podPeers).containsExactlyInAnyOrder("lra-coordinator", "test", "order-route");
                    assertThat(fromOtherNamespaces).as(component + ": the ingress controller's namespace").isTrue();
                }
                case "lra-coordinator" -> {
                    assertThat(podPeers).containsExactlyInAnyOrderElementsOf(ROUTES);
                    assertThat(fromOtherNamespaces).as(component + ": the metrics peers, when there are any")
                            .isEqualTo(nested(Scenarios.values(scenario), "networkPolicy", "metricsPeers") != null
                                    && !((List<?>) nested(Scenarios.values(scenario), "networkPolicy",
                                            "metricsPeers")).isEmpty());
                }
                case "postgresql" -> {
                    assertThat(podPeers).containsExactlyInAnyOrderElementsOf(ROUTES);
                    assertThat(fromOtherNamespaces).as(component).isFalse();
                }
                case "kafka" -> {
                    assertThat(podPeers).containsExactlyInAnyOrder("order-route", "credit-route", "payment-route",
                            "kafka-topics", "kafka");
                    assertThat(fromOtherNamespaces).as(component).isFalse();
                }
                default -> throw new AssertionError("unexpected workload " + component);
            }
            assertThat(peers).as(component + ": no IP blocks").allMatch(p -> p.getIpBlock() == null);
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void everyCoordinatorShardAndTheRoutesAdmitEachOtherOnlyOnPortHttp(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        if (Boolean.FALSE.equals(nested(Scenarios.values(scenario), "networkPolicy", "enabled"))) {
            return;
        }
        String prefix = Scenarios.prefix(scenario);
        Map<String, String> shardLabels = manifests.podTemplate(prefix + "-lra-coordinator").getMetadata().getLabels();
        V1NetworkPolicy coordinator = manifests.named(V1NetworkPolicy.class, prefix + "-lra-coordinator");
        assertThat(shardLabels).as("the coordinator's policy selects every shard's pod")
                .containsAllEntriesOf(coordinator.getSpec().getPodSelector().getMatchLabels());
        // The routes' rule, and the metrics peers' when there are any: port http only.
        assertThat(coordinator.getSpec().getIngress()).isNotEmpty().allSatisfy(rule -> assertThat(rule.getPorts())
                .singleElement().satisfies(port -> assertThat(port.getPort()).isEqualTo(new IntOrString("http"))));
        for (String route : ROUTES) {
            List<V1NetworkPolicyIngressRule> fromShards = manifests.named(V1NetworkPolicy.class, prefix + "-" + route)
                    .getSpec().getIngress().stream()
                    .filter(rule -> rule.getFrom().stream().anyMatch(peer -> selectsPods(peer, shardLabels)))
                    .toList();
            assertThat(fromShards).as(route + ": callbacks from every shard").singleElement()
                    .satisfies(rule -> assertThat(rule.getPorts()).extracting(V1NetworkPolicyPort::getPort)
                            .containsExactly(new IntOrString("http")));
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void everyImageHasAPinnedTagAndTheContractPullPolicy(Path scenario) {
        for (ContainerRef ref : Scenarios.manifests(scenario).containers()) {
            String image = ref.container().getImage();
            String lastPart = image.substring(image.lastIndexOf('/') + 1);
            assertThat(lastPart).as(describe(ref) + " image " + image).contains(":");
            assertThat(lastPart.substring(lastPart.indexOf(':') + 1)).as(image).isNotBlank().isNotEqualTo("latest");
            assertThat(ref.container().getImagePullPolicy()).as(describe(ref)).isEqualTo("IfNotPresent");
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void noServiceIsNamedKafkaAndNoPodGetsServiceLinks(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);

        assertThat(manifests.names(V1Service.class)).doesNotContain("kafka");
        assertThat(manifests.containers()).allSatisfy(ref -> assertThat(ref.podSpec().getEnableServiceLinks())
                .as(describe(ref)).isFalse());
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void secretsAreNeverInlinedInConfigMaps(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        List<String> secretValues = manifests.ofType(V1Secret.class).stream()
                .flatMap(secret -> secret.getData().entrySet().stream())
                .filter(entry -> !entry.getKey().equals("username"))
                .map(entry -> new String(entry.getValue(), StandardCharsets.UTF_8))
                .toList();
        for (V1ConfigMap configMap : manifests.ofType(V1ConfigMap.class)) {
            configMap.getData().forEach((key, value) -> {
                assertThat(key).as(configMap.getMetadata().getName()).doesNotContainPattern("(?i)password|secret");
                secretValues.forEach(secret -> assertThat(value).as(configMap.getMetadata().getName() + " " + key)
                        .doesNotContain(secret));
            });
        }
        for (ContainerRef ref : manifests.containers()) {
            for (var env : ref.container().getEnv() == null ? List.<io.kubernetes.client.openapi.models.V1EnvVar>of()
                    : ref.container().getEnv()) {
                if (env.getName().matches("(?i).*(password|secret).*")) {
                    assertThat(env.getValue()).as(describe(ref) + " " + env.getName() + " is a literal").isNull();
                    assertThat(env.getValueFrom().getSecretKeyRef()).as(describe(ref) + " " + env.getName())
                            .isNotNull();
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void routesGetTheContractEnvironmentWithTheirOwnUrlAndEveryCoordinatorShard(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        String prefix = Scenarios.prefix(scenario);
        Set<String> coordinatorUrls = new java.util.HashSet<>();
        boolean jwks = nested(Scenarios.values(scenario), "auth", "jwksUrl") instanceof String url && !url.isEmpty();
        for (String route : ROUTES) {
            V1Container container = manifests.container(prefix + "-" + route);
            Map<String, String> env = manifests.configEnv(container);
            List<String> expectedKeys = new ArrayList<>(List.of("QUARKUS_PROFILE", "KAFKA_BROKERS",
                    "LRA_COORDINATOR_URL", "PARTICIPANT_URL", "DB_URL", "DB_USER", "DB_PASSWORD", "SAGA_INSTANCE_ID",
                    "SAGA_CALLBACK_KEYS", "MP_JWT_VERIFY_ISSUER", "MP_JWT_VERIFY_AUDIENCES",
                    jwks ? "MP_JWT_VERIFY_PUBLICKEY_LOCATION" : "MP_JWT_VERIFY_PUBLICKEY", "SMALLRYE_JWT_PATH_GROUPS",
                    "SAGA_AUTH_CUSTOMER_CLAIM"));
            if (route.equals("order-route")) {
                expectedKeys.addAll(List.of("SAGA_TIMEOUT", "SAGA_ADMISSION_MAX_IN_FLIGHT", "SAGA_CREDIT_URL",
                        "SAGA_PAYMENT_URL"));
                assertThat(env).as("the participants an order's timeline reads")
                        .containsEntry("SAGA_CREDIT_URL", "http://" + serviceOf(manifests, prefix + "-credit-route"))
                        .containsEntry("SAGA_PAYMENT_URL", "http://" + serviceOf(manifests, prefix + "-payment-route"));
            }
            if (route.equals("payment-route")) {
                expectedKeys.add("PAYMENT_MAX_AMOUNT");
            }
            // A secured external Kafka (KafkaSecurityTest has the details); the scenarios that have one use SASL_SSL.
            boolean kafkaSasl = "SASL_SSL".equals(nested(Scenarios.values(scenario), "externalKafka", "security",
                    "protocol"));
            if (kafkaSasl) {
                expectedKeys.addAll(List.of("SAGA_KAFKA_SECURITY_PROTOCOL", "SAGA_KAFKA_SASL_MECHANISM",
                        "SAGA_KAFKA_SSL_TRUSTSTORE_TYPE", "SAGA_KAFKA_SSL_TRUSTSTORE_LOCATION",
                        "SAGA_KAFKA_SASL_USERNAME", "SAGA_KAFKA_SASL_PASSWORD"));
            }
            assertThat(manifests.envKeys(container)).as(route).containsExactlyInAnyOrderElementsOf(expectedKeys);
            List<String> fromSecrets = new ArrayList<>(List.of("DB_USER", "DB_PASSWORD", "SAGA_CALLBACK_KEYS"));
            if (!jwks) {
                fromSecrets.add("MP_JWT_VERIFY_PUBLICKEY");
            }
            if (kafkaSasl) {
                fromSecrets.addAll(List.of("SAGA_KAFKA_SASL_USERNAME", "SAGA_KAFKA_SASL_PASSWORD"));
            }
            assertThat(Manifests.secretEnv(container)).as(route)
                    .containsOnlyKeys(fromSecrets.toArray(String[]::new));
            assertThat(Manifests.secretEnv(container).get("SAGA_CALLBACK_KEYS").getKey()).isEqualTo("keys");
            assertThat(Manifests.secretEnv(container).get("DB_USER").getKey()).isEqualTo("username");
            assertThat(Manifests.secretEnv(container).get("DB_PASSWORD").getKey()).isEqualTo("password");
            assertThat(env).as(route).containsEntry("QUARKUS_PROFILE", "pg")
                    .containsEntry("PARTICIPANT_URL", "http://" + serviceOf(manifests, prefix + "-" + route));
            coordinatorUrls.add(env.get("LRA_COORDINATOR_URL"));
        }
        assertThat(coordinatorUrls).as("one list of coordinator URLs, the same for every route").singleElement()
                .satisfies(urls -> assertThat(urls.split(",")).doesNotHaveDuplicates()
                        .hasSize(manifests.statefulSet(prefix + "-lra-coordinator").getSpec().getReplicas()));
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void eachRoutePodNamesItsKafkaConsumersAfterItself(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        for (String route : ROUTES) {
            V1Container container = manifests.container(Scenarios.prefix(scenario) + "-" + route);
            // The pod name: unique among the replicas, kept when the container restarts (saga.instance-id).
            assertThat(Manifests.fieldEnv(container)).as(route)
                    .containsExactly(entry("SAGA_INSTANCE_ID", "metadata.name"));
            assertThat(manifests.configEnv(container)).as(route + ": not overridden by a literal or the ConfigMap")
                    .doesNotContainKey("SAGA_INSTANCE_ID");
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void routePodsGetTheTimeTheServicesGracefulStopNeeds(Path scenario) {
        Properties shared = sharedServiceSettings();
        Duration stop = Duration.ofSeconds(Long.parseLong(shared.getProperty("camel.main.shutdown-timeout")))
                .plusMillis(Long.parseLong(shared.getProperty("camel.component.kafka.shutdown-timeout")))
                .plus(Duration.parse("PT" + shared.getProperty("saga.events.leave-timeout")));
        Manifests manifests = Scenarios.manifests(scenario);
        for (String route : ROUTES) {
            V1PodSpec pod = manifests.deployment(Scenarios.prefix(scenario) + "-" + route).getSpec().getTemplate()
                    .getSpec();
            assertThat(pod.getTerminationGracePeriodSeconds()).as(route + ": SIGTERM to SIGKILL, in seconds")
                    .isGreaterThanOrEqualTo(stop.toSeconds() + 2);
        }
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void routePodsRollWhenTheirConfigurationChanges(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        for (String route : ROUTES) {
            V1Deployment deployment = manifests.deployment(Scenarios.prefix(scenario) + "-" + route);
            assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations()).as(route)
                    .containsKeys("checksum/config", "checksum/secret");
        }
        String config = "checksum/config";
        String before = Scenarios.manifests(Scenarios.named("00-defaults-values.yaml")).deployment("saga-order-route")
                .getSpec().getTemplate().getMetadata().getAnnotations().get(config);
        String after = Manifests.parse(Scenarios.RENDERER.withSet("routes.orderRoute.sagaTimeout", "45s").render())
                .deployment("saga-order-route").getSpec().getTemplate().getMetadata().getAnnotations().get(config);
        assertThat(after).isNotEqualTo(before);
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void topicsAreCreatedByAPlainJobNamedAfterTheRevision(Path scenario) {
        List<V1Job> jobs = Scenarios.manifests(scenario).ofType(V1Job.class);

        assertThat(jobs).singleElement().satisfies(job -> {
            assertThat(job.getMetadata().getName()).isEqualTo(Scenarios.prefix(scenario) + "-kafka-topics-1");
            assertThat(job.getMetadata().getAnnotations() == null ? Map.of() : job.getMetadata().getAnnotations())
                    .as("not a hook").doesNotContainKey("helm.sh/hook");
            assertThat(job.getSpec().getTtlSecondsAfterFinished()).isPositive();
            V1Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getImage()).startsWith("apache/kafka:");
            assertThat(String.join(" ", container.getCommand()))
                    .contains("kafka-broker-api-versions.sh", "kafka-topics.sh", "--create", "--if-not-exists");
            assertThat(Scenarios.manifests(scenario).configEnv(container).get("TOPICS").split(" "))
                    .containsExactlyInAnyOrder("order-events", "payment-requests", "customer-events",
                            "payment-events", "order-events.dlq", "payment-requests.dlq", "customer-events.dlq",
                            "payment-events.dlq");
        });
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void helmTestPodChecksTheApiRefusesAnonymousCallsThenPlacesAnOrderAndWaitsForItsFinalStatus(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        String prefix = Scenarios.prefix(scenario);
        var pods = manifests.ofType(io.kubernetes.client.openapi.models.V1Pod.class);

        assertThat(pods).singleElement().satisfies(pod -> {
            assertThat(pod.getMetadata().getAnnotations()).containsEntry("helm.sh/hook", "test");
            assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/component", "test");
            assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
            V1Container container = pod.getSpec().getContainers().get(0);
            Map<String, String> env = manifests.configEnv(container);
            assertThat(env).containsEntry("CUSTOMERS_URL", "http://" + prefix + "-credit-route/api/customers")
                    .containsEntry("ORDERS_URL", "http://" + prefix + "-order-route/api/orders");
            String script = String.join("\n", container.getCommand());
            assertThat(script).contains("\"$CUSTOMERS_URL\"", "\"$ORDERS_URL\"", "$ORDERS_URL/$id",
                    "APPROVED)", "REJECTED)", "deadline");
            assertThat(script).as("an anonymous request must get 401, a problem and a challenge")
                    .contains("%{http_code}|%{content_type}|%header{www-authenticate}",
                            "\"401|application/problem+json\"*\"|\"?*)");
            assertThat(script.indexOf("%header{www-authenticate}")).as("checked before any authenticated call")
                    .isLessThan(script.indexOf("Authorization: Bearer $API_TOKEN"));
        });
    }

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void bundledDataStoresAreSingleOfficialImagesOnVolumes(Path scenario) {
        Manifests manifests = Scenarios.manifests(scenario);
        List<V1StatefulSet> stores = manifests.ofType(V1StatefulSet.class).stream()
                .filter(set -> !set.getMetadata().getName().equals(Scenarios.prefix(scenario) + "-lra-coordinator"))
                .toList();
        for (V1StatefulSet store : stores) {
            String name = store.getMetadata().getName();
            assertThat(store.getSpec().getReplicas()).as(name).isEqualTo(1);
            assertThat(store.getSpec().getVolumeClaimTemplates()).as(name).hasSize(1);
            String image = store.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
            assertThat(image).as(name).matches("(apache/kafka|postgres):[0-9][^:]*");
        }
        manifests.find(V1StatefulSet.class, "saga-postgresql").ifPresent(postgres -> {
            V1Container container = postgres.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(Manifests.secretEnv(container)).containsKeys("ORDER_ROUTE_DB_PASSWORD",
                    "CREDIT_ROUTE_DB_PASSWORD", "PAYMENT_ROUTE_DB_PASSWORD", "POSTGRES_PASSWORD");
            String script = manifests.named(V1ConfigMap.class, "saga-postgresql-init").getData().values().iterator()
                    .next();
            assertThat(script).contains("create_database \"orders\" \"$ORDER_ROUTE_DB_USER\"",
                    "create_database \"credit\" \"$CREDIT_ROUTE_DB_USER\"",
                    "create_database \"payments\" \"$PAYMENT_ROUTE_DB_USER\"");
        });
    }

    /** The settings every service ships with (saga-common's microprofile-config.properties). */
    private static Properties sharedServiceSettings() {
        Path file = Scenarios.CHART.resolve("../../saga-common/src/main/resources/META-INF")
                .resolve("microprofile-config.properties");
        Properties settings = new Properties();
        try (var in = Files.newInputStream(file)) {
            settings.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    private static void assertHttpProbe(String app, V1Probe probe, String path) {
        assertThat(probe).as(app + " probe " + path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(app).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort()).as(app).isEqualTo(new IntOrString("http"));
    }

    private static V1Volume mountedVolume(V1PodSpec pod, V1Container container, String mountPath) {
        V1VolumeMount mount = container.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(mountPath)).findFirst()
                .orElseThrow(() -> new AssertionError(container.getName() + " mounts nothing at " + mountPath));
        return pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
    }

    /** The Service in front of a Deployment's pods, by name (its selector must match the pod labels). */
    private static String serviceOf(Manifests manifests, String deploymentName) {
        Map<String, String> podLabels = manifests.deployment(deploymentName).getSpec().getTemplate().getMetadata()
                .getLabels();
        V1Service service = manifests.named(V1Service.class, deploymentName);
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(80);
            assertThat(port.getTargetPort()).isEqualTo(new IntOrString("http"));
        });
        return service.getMetadata().getName();
    }

    /** An HTTPRoute's PathPrefix matches and the Service each sends to (its rules have one match and backend). */
    @SuppressWarnings("unchecked")
    private static Map<String, String> httpRoutePaths(Manifests.Custom route) {
        List<Map<String, Object>> rules = (List<Map<String, Object>>) ((Map<String, Object>) route.body()
                .get("spec")).get("rules");
        return rules.stream().collect(Collectors.toMap(
                rule -> {
                    List<Map<String, Object>> matches = (List<Map<String, Object>>) rule.get("matches");
                    Map<String, Object> path = (Map<String, Object>) matches.get(0).get("path");
                    assertThat(path.get("type")).isEqualTo("/".equals(path.get("value")) ? "Exact" : "PathPrefix");
                    return (String) path.get("value");
                },
                rule -> (String) ((List<Map<String, Object>>) rule.get("backendRefs")).get(0).get("name")));
    }

    private static Map<String, String> matchLabelsOnly(V1LabelSelector selector) {
        assertThat(selector.getMatchExpressions()).isNullOrEmpty();
        return selector.getMatchLabels();
    }

    /** Whether a NetworkPolicy peer admits pods with these labels in the policy's own namespace. */
    private static boolean selectsPods(V1NetworkPolicyPeer peer, Map<String, String> podLabels) {
        return peer.getNamespaceSelector() == null && peer.getPodSelector() != null
                && peer.getPodSelector().getMatchLabels() != null
                && podLabels.entrySet().containsAll(peer.getPodSelector().getMatchLabels().entrySet());
    }

    /** The components a NetworkPolicy pod selector admits (from matchLabels or an In expression). */
    private static List<String> components(V1LabelSelector selector) {
        String single = selector.getMatchLabels() == null ? null
                : selector.getMatchLabels().get("app.kubernetes.io/component");
        if (single != null) {
            return List.of(single);
        }
        return selector.getMatchExpressions().stream()
                .filter(e -> e.getKey().equals("app.kubernetes.io/component") && e.getOperator().equals("In"))
                .flatMap(e -> e.getValues().stream()).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> labelsOf(Manifests.Custom object) {
        return (Map<String, String>) ((Map<String, Object>) object.body().get("metadata")).get("labels");
    }

    @SuppressWarnings("unchecked")
    private static Object nested(Map<String, Object> values, String... path) {
        Object current = values;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = ((Map<String, Object>) map).get(key);
        }
        return current;
    }

    private static String describe(ContainerRef ref) {
        return ref.ownerKind() + " " + ref.ownerName() + "/" + ref.container().getName();
    }
}
