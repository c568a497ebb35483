package io.k8saga.e2e.support;

import io.k8saga.chart.ChartRenderer;
import io.k8saga.chart.Manifests;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The environment the Helm chart gives the container of each Quarkus application's pods, rewritten for this
 * machine, so that {@code ./saga up} can start the real applications wired exactly as in a cluster (SAGA_ENV_DIR).
 *
 * <p>One local process stands for each pod the chart renders, named as {@code ./saga} names its components: a
 * route's Deployment is one process named after the route (whatever its replica count), and each pod of the
 * coordinator StatefulSet is one shard, {@code lra-coordinator-<i>}.
 *
 * <p>Only addresses change: a Service's DNS name and port become 127.0.0.1 and the local port of the component it
 * selects (PostgreSQL: the configured host and port); a StatefulSet pod's DNS name under its headless Service
 * ({@code <pod>.<service>[.<namespace>[.svc[.cluster.local]]]:<port>}) becomes the local address of that pod, whose
 * port is its component's port plus the pod's ordinal, as {@code ./saga} runs shard i on SAGA_COORDINATOR_PORT + i;
 * a volume mount path becomes a directory under the process's data; QUARKUS_HTTP_PORT is set to the pod's local port,
 * because every container keeps its image's port in the cluster while here they share one host. The pod's name
 * (downward API) is the Deployment's name, or the StatefulSet pod's, stable across restarts as a pod's is, and
 * {@code $(NAME)} references to earlier variables are expanded as the kubelet does. Every other variable, Secrets
 * included, is taken as rendered.
 */
final class ChartEnvironment {

    private static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    private static final String COORDINATOR = "lra-coordinator";
    /** {@code $$} (a literal dollar) or a {@code $(NAME)} reference, as Kubernetes reads them in env values. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");

    /**
     * One pod of the chart and the local process that stands for it.
     *
     * @param process the ./saga component name, also the name of its env file and data directory
     * @param workload the Deployment or StatefulSet that runs the pod
     * @param name the pod's name (downward API metadata.name)
     * @param component the pod's app.kubernetes.io/component
     * @param ordinal the pod's ordinal in its StatefulSet; 0 for a Deployment's one process
     */
    private record Pod(String process, String workload, String name, String component, int ordinal) {
    }

    private final Manifests rendered;
    private final Map<String, String> localAddresses;
    private final Path dataDir;

    private ChartEnvironment(Manifests rendered, Map<String, String> localAddresses, Path dataDir) {
        this.rendered = rendered;
        this.localAddresses = localAddresses;
        this.dataDir = dataDir;
    }

    /**
     * Renders helm/saga with its default values, except the settings a test run must pin: the saga timeout the suite
     * expects, the database passwords of the PostgreSQL the run uses (rendered into the chart's Secrets), and the
     * issuer and public key (base64 DER) of the API's bearer tokens.
     *
     * @param localAddresses component (the value of app.kubernetes.io/component) to "host:port" on this machine; for
     *     a StatefulSet, the address of its pod 0 (pod i listens on that port + i)
     * @param dataDir the stack's data directory; a mount path becomes {@code dataDir/<process>/<volume>}
     */
    static ChartEnvironment render(Path repoRoot, Map<String, String> localAddresses, Path dataDir,
            String sagaTimeout, String databasePassword, String tokenIssuer, String tokenPublicKey) {
        ChartRenderer renderer = ChartRenderer.of(repoRoot.resolve("helm/saga"))
                .withSet("routes.orderRoute.sagaTimeout", sagaTimeout)
                .withSet("auth.issuer", tokenIssuer)
                .withSet("auth.publicKey", tokenPublicKey);
        for (String route : List.of("orderRoute", "creditRoute", "paymentRoute")) {
            renderer = renderer.withSet("routes." + route + ".database.password", databasePassword);
        }
        return new ChartEnvironment(Manifests.parse(renderer.render()), localAddresses, dataDir);
    }

    /** How many coordinator shards (pods of the coordinator StatefulSet) the chart renders. */
    int coordinatorShards() {
        return rendered.statefulSet(workloadOf(COORDINATOR)).getSpec().getReplicas();
    }

    /** The local processes, as ./saga names them: the three routes, then lra-coordinator-0 .. -(shards - 1). */
    List<String> processes() {
        List<String> processes = new ArrayList<>(ChartRenderer.ROUTES);
        for (int shard = 0; shard < coordinatorShards(); shard++) {
            processes.add(COORDINATOR + "-" + shard);
        }
        return processes;
    }

    /**
     * Writes {@code <process>.env} for every {@link #processes() process} into the directory (created if needed),
     * after deleting the env files already there, so a run never starts a shard a previous rendering had.
     */
    void writeTo(Path envDir) {
        try {
            Files.createDirectories(envDir);
            try (DirectoryStream<Path> stale = Files.newDirectoryStream(envDir, "*.env")) {
                for (Path file : stale) {
                    Files.delete(file);
                }
            }
            for (String process : processes()) {
                StringBuilder lines = new StringBuilder("# " + process
                        + ": the environment helm/saga renders for its pod's container, with local addresses\n");
                environmentOf(process)
                        .forEach((key, value) -> lines.append(key).append('=').append(value).append('\n'));
                Files.writeString(envDir.resolve(process + ".env"), lines, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart's environment to " + envDir, e);
        }
    }

    /** One process's environment: rendered, Secrets resolved, references expanded, addresses made local. */
    Map<String, String> environmentOf(String process) {
        Pod pod = podOf(process);
        V1Container container = rendered.container(pod.workload());
        if (!isEmpty(container.getCommand()) || !isEmpty(container.getArgs())) {
            throw new IllegalStateException(pod.workload()
                    + " sets command or args; ./saga runs the image's java -jar only");
        }
        List<V1EnvVar> variables = container.getEnv() == null ? List.of() : container.getEnv();
        Map<String, String> env = new TreeMap<>(rendered.configEnv(container));
        Manifests.secretEnv(container).forEach((name, key) -> env.put(name, secretValue(key)));
        Manifests.fieldEnv(container).forEach((name, field) -> {
            if (!field.equals("metadata.name")) {
                throw new IllegalStateException(pod.workload() + " takes " + name + " from the pod's " + field
                        + ", which this run cannot give");
            }
            env.put(name, pod.name());
        });
        for (V1EnvVar variable : variables) {
            if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() == null
                    && variable.getValueFrom().getFieldRef() == null) {
                throw new IllegalStateException(pod.workload() + " takes " + variable.getName()
                        + " from a source this run cannot resolve: " + variable.getValueFrom());
            }
        }
        expandReferences(env, variables);
        Set<String> podFields = Manifests.fieldEnv(container).keySet();
        // The pod's own name stays as it is: the process stands for that pod.
        env.replaceAll((name, value) -> podFields.contains(name) ? value : localize(pod, container, value));
        env.put("QUARKUS_HTTP_PORT", portOf(localAddress(pod.component(), pod.ordinal())));
        for (Map.Entry<String, String> variable : env.entrySet()) {
            if (variable.getValue().contains("\n")) {
                throw new IllegalStateException(pod.workload() + ": " + variable.getKey() + " spans lines");
            }
            if (variable.getValue().contains(".svc.cluster.local")) {
                throw new IllegalStateException(pod.workload() + ": " + variable.getKey() + " keeps a cluster address: "
                        + variable.getValue());
            }
        }
        return env;
    }

    private Pod podOf(String process) {
        if (ChartRenderer.ROUTES.contains(process)) {
            String deployment = workloadOf(process);
            return new Pod(process, deployment, deployment, process, 0);
        }
        Matcher shard = Pattern.compile(Pattern.quote(COORDINATOR) + "-(\\d+)").matcher(process);
        if (shard.matches() && Integer.parseInt(shard.group(1)) < coordinatorShards()) {
            int ordinal = Integer.parseInt(shard.group(1));
            String statefulSet = workloadOf(COORDINATOR);
            return new Pod(process, statefulSet, statefulSet + "-" + ordinal, COORDINATOR, ordinal);
        }
        throw new IllegalArgumentException("the chart renders no pod for " + process + "; processes: " + processes());
    }

    private static String workloadOf(String component) {
        return ChartRenderer.DEFAULT_RELEASE + "-" + component;
    }

    /**
     * Expands {@code $(NAME)} in each literal {@code env} value where NAME is a variable defined before it (from
     * envFrom, or earlier in {@code env}), and {@code $$} to {@code $}; other references stay as written, as in
     * Kubernetes.
     */
    private static void expandReferences(Map<String, String> env, List<V1EnvVar> variables) {
        Set<String> defined = new HashSet<>(env.keySet());
        variables.forEach(variable -> defined.remove(variable.getName()));
        for (V1EnvVar variable : variables) {
            if (variable.getValueFrom() == null && variable.getValue() != null) {
                Matcher reference = REFERENCE.matcher(variable.getValue());
                StringBuilder expanded = new StringBuilder();
                while (reference.find()) {
                    String name = reference.group(1);
                    String replacement = name == null ? "$"
                            : defined.contains(name) ? env.get(name) : reference.group();
                    reference.appendReplacement(expanded, Matcher.quoteReplacement(replacement));
                }
                reference.appendTail(expanded);
                env.put(variable.getName(), expanded.toString());
            }
            defined.add(variable.getName());
        }
    }

    private String secretValue(V1SecretKeySelector key) {
        V1Secret secret = rendered.named(V1Secret.class, key.getName());
        if (secret.getStringData() != null && secret.getStringData().containsKey(key.getKey())) {
            return secret.getStringData().get(key.getKey());
        }
        byte[] data = secret.getData() == null ? null : secret.getData().get(key.getKey());
        if (data == null) {
            throw new IllegalStateException("Secret " + key.getName() + " has no key " + key.getKey());
        }
        // client-java decodes the base64 of data already.
        return new String(data, StandardCharsets.UTF_8);
    }

    private String localize(Pod pod, V1Container container, String value) {
        String result = value;
        for (V1StatefulSet statefulSet : rendered.ofType(V1StatefulSet.class)) {
            result = replacePodAddresses(result, statefulSet);
        }
        for (V1Service service : rendered.ofType(V1Service.class)) {
            result = replaceServiceAddress(result, service);
        }
        List<V1VolumeMount> mounts = container.getVolumeMounts() == null ? List.of() : container.getVolumeMounts();
        return mounts.isEmpty() ? result : replaceMountPaths(result, pod, mounts);
    }

    /**
     * Replaces each mount path, where it stands as a whole path or the start of one, with the process's directory for
     * that volume. One pass, so a local directory that happens to lie under another mount's path (the data under
     * /tmp) is never rewritten again; the longest path is tried first.
     */
    private String replaceMountPaths(String value, Pod pod, List<V1VolumeMount> mounts) {
        Map<String, String> localDirs = new TreeMap<>(Comparator.comparingInt(String::length).reversed()
                .thenComparing(Comparator.naturalOrder()));
        Path processData = dataDir.resolve(pod.process());
        mounts.forEach(mount -> localDirs.put(mount.getMountPath(), processData.resolve(mount.getName()).toString()));
        String paths = localDirs.keySet().stream().map(Pattern::quote).collect(Collectors.joining("|"));
        Matcher matcher = Pattern.compile("(?<![\\w./-])(" + paths + ")(?![\\w.-])").matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(result, Matcher.quoteReplacement(localDirs.get(matcher.group(1))));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /**
     * Replaces {@code <pod>.<service>[.namespace[.svc[.cluster.local]]]:<port>}, the DNS name a StatefulSet's pod has
     * under its governing headless Service, with that pod's local address. The port must be one of the pod's
     * container ports: a headless Service maps none.
     */
    private String replacePodAddresses(String value, V1StatefulSet statefulSet) {
        String name = statefulSet.getMetadata().getName();
        Pattern address = Pattern.compile("(?<![\\w.-])" + Pattern.quote(name) + "-(\\d+)\\."
                + Pattern.quote(statefulSet.getSpec().getServiceName()) + domainSuffix() + "(?::(\\d+))?(?![\\w.-])");
        Matcher matcher = address.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            int ordinal = Integer.parseInt(matcher.group(1));
            if (ordinal >= statefulSet.getSpec().getReplicas()) {
                throw new IllegalStateException("'" + value + "' names pod " + ordinal + " of " + name + ", which has "
                        + statefulSet.getSpec().getReplicas());
            }
            int port = matcher.group(2) == null ? 80 : Integer.parseInt(matcher.group(2));
            boolean listening = statefulSet.getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(c -> c.getPorts() == null ? Stream.<V1ContainerPort>empty() : c.getPorts().stream())
                    .anyMatch(p -> p.getContainerPort() == port);
            if (!listening) {
                throw new IllegalStateException("'" + value + "' uses port " + port + " of " + name
                        + "'s pods, which do not listen on it");
            }
            String component = statefulSet.getSpec().getTemplate().getMetadata().getLabels().get(COMPONENT_LABEL);
            matcher.appendReplacement(result, Matcher.quoteReplacement(localAddress(component, ordinal)));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /**
     * Replaces {@code name[.namespace[.svc[.cluster.local]]][:port]} with the local address of the selected component.
     */
    private String replaceServiceAddress(String value, V1Service service) {
        String name = service.getMetadata().getName();
        Pattern address = Pattern.compile("(?<![\\w.-])" + Pattern.quote(name) + domainSuffix()
                + "(?::(\\d+))?(?![\\w.-])");
        Matcher matcher = address.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            if ("None".equals(service.getSpec().getClusterIP())) {
                throw new IllegalStateException("'" + value + "' uses the headless Service " + name
                        + ", which stands for no one pod; name a pod under it");
            }
            int port = matcher.group(1) == null ? 80 : Integer.parseInt(matcher.group(1));
            boolean exposed = service.getSpec().getPorts().stream().map(V1ServicePort::getPort)
                    .anyMatch(p -> p == port);
            if (!exposed) {
                throw new IllegalStateException("'" + value + "' uses port " + port + " of Service " + name
                        + ", which does not expose it");
            }
            String component = service.getSpec().getSelector().get(COMPONENT_LABEL);
            matcher.appendReplacement(result, Matcher.quoteReplacement(localAddress(component, 0)));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    /** The optional part of a cluster DNS name after a Service's name: namespace, svc, cluster domain. */
    private static String domainSuffix() {
        return "(?:\\." + Pattern.quote(ChartRenderer.DEFAULT_NAMESPACE) + "(?:\\.svc(?:\\.cluster\\.local)?)?)?";
    }

    /** The local "host:port" of a component's pod: the configured address, its port plus the pod's ordinal. */
    private String localAddress(String component, int ordinal) {
        String local = localAddresses.get(component);
        if (local == null) {
            throw new IllegalStateException("no local address for the chart's component " + component);
        }
        int colon = local.lastIndexOf(':');
        return local.substring(0, colon) + ":" + (Integer.parseInt(local.substring(colon + 1)) + ordinal);
    }

    private static boolean isEmpty(List<String> list) {
        return list == null || list.isEmpty();
    }

    private static String portOf(String hostAndPort) {
        return hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1);
    }
}
