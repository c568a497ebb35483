package io.k8saga.chart;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1CronJob;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvFromSource;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1SecretKeySelector;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.ModelMapper;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Kubernetes objects parsed strictly from multi-document YAML (e.g. {@link ChartRenderer#render()}), with a few
 * finders for tests.
 *
 * <p>Built-in kinds are loaded into client-java's typed model with {@link Yaml#load(String)}, which refuses unknown
 * fields: a misspelt field fails here as it would on the API server. Kinds client-java does not know (CRDs such as
 * ServiceMonitor or HTTPRoute) cannot be checked that way; they are kept as plain maps ({@link Custom}) for
 * structural checks.
 */
public final class Manifests {

    /**
     * Each strict load builds a snakeyaml loader from client-java's type descriptions, and snakeyaml warns on every
     * build about fields of V1JSONSchemaProps it cannot map (x-kubernetes-*): thousands of harmless lines per run.
     * Raised to SEVERE unless the application configured this logger itself; a strong reference keeps the setting.
     */
    private static final Logger SNAKEYAML_LOG = Logger.getLogger("org.yaml.snakeyaml");

    static {
        if (SNAKEYAML_LOG.getLevel() == null) {
            SNAKEYAML_LOG.setLevel(Level.SEVERE);
        }
    }

    private static final String MODEL_PACKAGE = "io.kubernetes.client.openapi.models";
    private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---[ \\t]*$");

    private final List<KubernetesObject> objects;
    private final List<Custom> custom;

    private Manifests(List<KubernetesObject> objects, List<Custom> custom) {
        this.objects = List.copyOf(objects);
        this.custom = List.copyOf(custom);
    }

    /**
     * A custom resource that client-java has no model for.
     *
     * @param apiVersion its apiVersion
     * @param kind its kind
     * @param body the whole document as nested maps and lists
     */
    public record Custom(String apiVersion, String kind, Map<String, Object> body) {

        /** metadata.name */
        @SuppressWarnings("unchecked")
        public String name() {
            return (String) ((Map<String, Object>) body.get("metadata")).get("name");
        }
    }

    /**
     * A container and the workload it belongs to.
     *
     * @param ownerKind kind of the owning object (Deployment, StatefulSet, Job, Pod, ...)
     * @param ownerName name of the owning object
     * @param podSpec the pod spec that holds it
     * @param container the container (init containers included)
     */
    public record ContainerRef(String ownerKind, String ownerName, V1PodSpec podSpec, V1Container container) {
    }

    /**
     * Parses every document strictly.
     *
     * @throws IllegalArgumentException naming the document when one does not parse (an unknown field, a wrong type,
     *     a document without apiVersion or kind)
     */
    public static Manifests parse(String multiDocumentYaml) {
        List<KubernetesObject> objects = new ArrayList<>();
        List<Custom> custom = new ArrayList<>();
        int index = 0;
        for (String document : DOCUMENT_SEPARATOR.split(multiDocumentYaml)) {
            index++;
            Object generic = new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions())).load(document);
            if (generic == null) {
                continue; // only comments, e.g. a template that rendered nothing
            }
            if (!(generic instanceof Map<?, ?> map) || !(map.get("apiVersion") instanceof String apiVersion)
                    || !(map.get("kind") instanceof String kind)) {
                throw new IllegalArgumentException("document " + index + " has no apiVersion or kind:\n" + document);
            }
            if (!isBuiltIn(apiVersion, kind)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> body = (Map<String, Object>) map;
                custom.add(new Custom(apiVersion, kind, body));
                continue;
            }
            try {
                objects.add((KubernetesObject) Yaml.load(document));
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException("document " + index + " (" + kind + ") does not parse strictly: "
                        + e.getMessage() + "\n" + document, e);
            }
        }
        return new Manifests(objects, custom);
    }

    /** Whether client-java has a typed model for this kind (else it would fall back to a schema-less object). */
    private static boolean isBuiltIn(String apiVersion, String kind) {
        Class<?> type = ModelMapper.getApiTypeClass(apiVersion, kind);
        return type != null && type.getPackageName().equals(MODEL_PACKAGE);
    }

    /** Every object of a built-in kind, in document order. */
    public List<KubernetesObject> all() {
        return objects;
    }

    /** The documents of kinds client-java does not know (CRDs), in document order. */
    public List<Custom> custom() {
        return custom;
    }

    /** The custom resources of one kind, e.g. "ServiceMonitor". */
    public List<Custom> custom(String kind) {
        return custom.stream().filter(c -> c.kind().equals(kind)).toList();
    }

    /** The objects of one model class, e.g. {@code V1Service.class}. */
    public <T extends KubernetesObject> List<T> ofType(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** The object of one model class with this name. */
    public <T extends KubernetesObject> T named(Class<T> type, String name) {
        return find(type, name).orElseThrow(() -> new NoSuchElementException(
                "no " + type.getSimpleName() + " named " + name + " among " + names(type)));
    }

    /** The object of one model class with this name, if any. */
    public <T extends KubernetesObject> Optional<T> find(Class<T> type, String name) {
        return ofType(type).stream().filter(o -> name.equals(o.getMetadata().getName())).findFirst();
    }

    /** The names of the objects of one model class. */
    public <T extends KubernetesObject> List<String> names(Class<T> type) {
        return ofType(type).stream().map(o -> o.getMetadata().getName()).toList();
    }

    /** Shorthand for {@code ofType(V1Deployment.class)}. */
    public List<V1Deployment> deployments() {
        return ofType(V1Deployment.class);
    }

    /** Shorthand for {@code named(V1Deployment.class, name)}. */
    public V1Deployment deployment(String name) {
        return named(V1Deployment.class, name);
    }

    /**
     * Every container (init containers first) of every workload: Deployments, StatefulSets, DaemonSets, Jobs, CronJobs
     * and bare Pods.
     */
    public List<ContainerRef> containers() {
        List<ContainerRef> all = new ArrayList<>();
        for (KubernetesObject object : objects) {
            V1PodSpec spec = podSpec(object);
            if (spec == null) {
                continue;
            }
            String owner = object.getMetadata().getName();
            String kind = object.getKind();
            if (spec.getInitContainers() != null) {
                spec.getInitContainers().forEach(c -> all.add(new ContainerRef(kind, owner, spec, c)));
            }
            spec.getContainers().forEach(c -> all.add(new ContainerRef(kind, owner, spec, c)));
        }
        return all;
    }

    /** The pod spec of a workload object, or null for objects that run no pods. */
    public static V1PodSpec podSpec(KubernetesObject object) {
        V1PodTemplateSpec template = null;
        if (object instanceof V1Deployment d) {
            template = d.getSpec().getTemplate();
        } else if (object instanceof V1StatefulSet s) {
            template = s.getSpec().getTemplate();
        } else if (object instanceof V1DaemonSet ds) {
            template = ds.getSpec().getTemplate();
        } else if (object instanceof V1Job j) {
            template = j.getSpec().getTemplate();
        } else if (object instanceof V1CronJob cj) {
            template = cj.getSpec().getJobTemplate().getSpec().getTemplate();
        } else if (object instanceof V1Pod p) {
            return p.getSpec();
        }
        return template == null ? null : template.getSpec();
    }

    /** Shorthand for {@code named(V1StatefulSet.class, name)}. */
    public V1StatefulSet statefulSet(String name) {
        return named(V1StatefulSet.class, name);
    }

    /** The pod template of the Deployment or StatefulSet with this name. */
    public V1PodTemplateSpec podTemplate(String workloadName) {
        Optional<V1Deployment> deployment = find(V1Deployment.class, workloadName);
        if (deployment.isPresent()) {
            return deployment.get().getSpec().getTemplate();
        }
        return find(V1StatefulSet.class, workloadName).orElseThrow(() -> new NoSuchElementException(
                "no Deployment or StatefulSet named " + workloadName + " among " + names(V1Deployment.class)
                        + " and " + names(V1StatefulSet.class))).getSpec().getTemplate();
    }

    /** The only container of a Deployment's or StatefulSet's pods (fails if there are several). */
    public V1Container container(String workloadName) {
        List<V1Container> containers = podTemplate(workloadName).getSpec().getContainers();
        if (containers.size() != 1) {
            throw new IllegalStateException(workloadName + " has " + containers.size() + " containers");
        }
        return containers.get(0);
    }

    /**
     * The plain environment a container sees: its {@code env} entries with a literal value, plus every key of the
     * ConfigMaps it loads with {@code envFrom} (looked up among these objects; prefixes applied). Literal entries win
     * over envFrom, as in Kubernetes.
     *
     * @throws NoSuchElementException if an envFrom ConfigMap is not among these objects and is not optional
     */
    public Map<String, String> configEnv(V1Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (V1EnvFromSource source : nullToEmpty(container.getEnvFrom())) {
            if (source.getConfigMapRef() == null) {
                continue;
            }
            String name = source.getConfigMapRef().getName();
            Optional<V1ConfigMap> configMap = find(V1ConfigMap.class, name);
            if (configMap.isEmpty()) {
                if (Boolean.TRUE.equals(source.getConfigMapRef().getOptional())) {
                    continue;
                }
                throw new NoSuchElementException("envFrom ConfigMap " + name + " is not rendered");
            }
            String prefix = source.getPrefix() == null ? "" : source.getPrefix();
            configMap.get().getData().forEach((key, value) -> env.put(prefix + key, value));
        }
        for (V1EnvVar var : nullToEmpty(container.getEnv())) {
            if (var.getValueFrom() == null) {
                env.put(var.getName(), var.getValue() == null ? "" : var.getValue());
            }
        }
        return env;
    }

    /** The container's {@code env} entries that come from a Secret key, by variable name. */
    public static Map<String, V1SecretKeySelector> secretEnv(V1Container container) {
        Map<String, V1SecretKeySelector> env = new LinkedHashMap<>();
        for (V1EnvVar var : nullToEmpty(container.getEnv())) {
            if (var.getValueFrom() != null && var.getValueFrom().getSecretKeyRef() != null) {
                env.put(var.getName(), var.getValueFrom().getSecretKeyRef());
            }
        }
        return env;
    }

    /** The container's {@code env} entries that come from a field of its pod (the downward API), name to field path. */
    public static Map<String, String> fieldEnv(V1Container container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (V1EnvVar var : nullToEmpty(container.getEnv())) {
            if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
                env.put(var.getName(), var.getValueFrom().getFieldRef().getFieldPath());
            }
        }
        return env;
    }

    /**
     * Every environment variable name a container gets: literal and valueFrom {@code env} entries and the keys of its
     * envFrom ConfigMaps (see {@link #configEnv}); sorted.
     */
    public List<String> envKeys(V1Container container) {
        List<String> keys = new ArrayList<>(configEnv(container).keySet());
        for (V1EnvVar var : nullToEmpty(container.getEnv())) {
            if (!keys.contains(var.getName())) {
                keys.add(var.getName());
            }
        }
        Collections.sort(keys);
        return keys;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
