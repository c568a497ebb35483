package io.k8saga.e2e.support;

import io.k8saga.chart.ChartRenderer;
import io.k8saga.chart.Manifests;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment the Helm chart gives the container of each Quarkus application, rewritten for this machine, so
 * that {@code ./saga up} can start the real applications wired exactly as in a cluster (SAGA_ENV_DIR).
 *
 * <p>Only addresses change: a Service's DNS name and port become 127.0.0.1 and the local port of the component it
 * selects (PostgreSQL: the configured host and port), a volume mount path becomes a directory under the component's
 * data, and QUARKUS_HTTP_PORT is set to the component's local port, because every container keeps its image's port
 * in the cluster while here they share one host. The pod's name (downward API) is the Deployment's name, stable
 * across restarts as a pod's is. Every other variable, Secrets included, is taken as rendered.
 */
final class ChartEnvironment {

    private static final String COMPONENT_LABEL = "app.kubernetes.io/component";

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
     * expects and the database passwords of the PostgreSQL the run uses (rendered into the chart's Secrets).
     *
     * @param localAddresses component (the value of app.kubernetes.io/component) to "host:port" on this machine
     * @param dataDir the stack's data directory; a mount path becomes {@code dataDir/<component>/<volume>}
     */
    static ChartEnvironment render(Path repoRoot, Map<String, String> localAddresses, Path dataDir,
            String sagaTimeout, String databasePassword) {
        ChartRenderer renderer = ChartRenderer.of(repoRoot.resolve("helm/saga"))
                .withSet("routes.orderRoute.sagaTimeout", sagaTimeout);
        for (String route : List.of("orderRoute", "creditRoute", "paymentRoute")) {
            renderer = renderer.withSet("routes." + route + ".database.password", databasePassword);
        }
        return new ChartEnvironment(Manifests.parse(renderer.render()), localAddresses, dataDir);
    }

    /** Writes {@code <component>.env} for every application into the directory (created if needed). */
    void writeTo(Path envDir) {
        try {
            Files.createDirectories(envDir);
            for (String application : ChartRenderer.APPLICATIONS) {
                StringBuilder lines = new StringBuilder("# " + application
                        + ": the environment helm/saga renders for its container, with local addresses\n");
                environmentOf(application).forEach((key, value) -> lines.append(key).append('=').append(value).append('\n'));
                Files.writeString(envDir.resolve(application + ".env"), lines, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the chart's environment to " + envDir, e);
        }
    }

    /** One application's environment: rendered, Secrets resolved, addresses made local. */
    Map<String, String> environmentOf(String application) {
        String deployment = ChartRenderer.DEFAULT_RELEASE + "-" + application;
        V1Container container = rendered.container(deployment);
        if (!isEmpty(container.getCommand()) || !isEmpty(container.getArgs())) {
            throw new IllegalStateException(deployment + " sets command or args; ./saga runs the image's java -jar only");
        }
        Map<String, String> env = new TreeMap<>(rendered.configEnv(container));
        Manifests.secretEnv(container).forEach((name, key) -> env.put(name, secretValue(key)));
        Map<String, String> podFields = new TreeMap<>();
        Manifests.fieldEnv(container).forEach((name, field) -> {
            if (field.equals("metadata.name")) {
                podFields.put(name, deployment);
            }
        });
        for (V1EnvVar variable : container.getEnv() == null ? List.<V1EnvVar>of() : container.getEnv()) {
            if (variable.getValueFrom() != null && variable.getValueFrom().getSecretKeyRef() == null
                    && !podFields.containsKey(variable.getName())) {
                throw new IllegalStateException(deployment + " takes " + variable.getName()
                        + " from a source this run cannot resolve: " + variable.getValueFrom());
            }
        }
        env.replaceAll((name, value) -> localize(application, container, value));
        // Not localized: the one process of each application stands for its one pod, named as its Deployment.
        env.putAll(podFields);
        env.put("QUARKUS_HTTP_PORT", portOf(localAddress(application)));
        for (Map.Entry<String, String> variable : env.entrySet()) {
            if (variable.getValue().contains("\n")) {
                throw new IllegalStateException(deployment + ": " + variable.getKey() + " spans lines");
            }
        }
        return env;
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

    private String localize(String application, V1Container container, String value) {
        String result = value;
        for (V1Service service : rendered.ofType(V1Service.class)) {
            result = replaceServiceAddress(result, service);
        }
        for (V1VolumeMount mount : container.getVolumeMounts() == null ? List.<V1VolumeMount>of() : container.getVolumeMounts()) {
            result = result.replace(mount.getMountPath(), dataDir.resolve(application).resolve(mount.getName()).toString());
        }
        return result;
    }

    /** Replaces {@code name[.namespace[.svc[.cluster.local]]][:port]} with the local address of the selected component. */
    private String replaceServiceAddress(String value, V1Service service) {
        String name = service.getMetadata().getName();
        Pattern address = Pattern.compile("(?<![\\w.-])" + Pattern.quote(name)
                + "(?:\\." + Pattern.quote(ChartRenderer.DEFAULT_NAMESPACE) + "(?:\\.svc(?:\\.cluster\\.local)?)?)?"
                + "(?::(\\d+))?(?![\\w.-])");
        Matcher matcher = address.matcher(value);
        StringBuilder result = new StringBuilder();
        while (matcher.find()) {
            int port = matcher.group(1) == null ? 80 : Integer.parseInt(matcher.group(1));
            boolean exposed = service.getSpec().getPorts().stream().map(V1ServicePort::getPort).anyMatch(p -> p == port);
            if (!exposed) {
                throw new IllegalStateException("'" + value + "' uses port " + port + " of Service " + name
                        + ", which does not expose it");
            }
            String component = service.getSpec().getSelector().get(COMPONENT_LABEL);
            matcher.appendReplacement(result, Matcher.quoteReplacement(localAddress(component)));
        }
        matcher.appendTail(result);
        return result.toString();
    }

    private String localAddress(String component) {
        String local = localAddresses.get(component);
        if (local == null) {
            throw new IllegalStateException("no local address for the chart's component " + component);
        }
        return local;
    }

    private static boolean isEmpty(List<String> list) {
        return list == null || list.isEmpty();
    }

    private static String portOf(String hostAndPort) {
        return hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1);
    }
}
