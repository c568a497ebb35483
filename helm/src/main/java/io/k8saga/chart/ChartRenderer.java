package io.k8saga.chart;

import com.marcnuri.helm.DryRun;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Renders a Helm chart offline with the Helm library embedded by helm-java, as {@code helm template} would.
 *
 * <p>Immutable: every {@code with...} method returns a new renderer. Typical use:
 * <pre>{@code
 * String yaml = ChartRenderer.of(ChartRenderer.locateSagaChart())
 *         .withValuesFile(Path.of("helm/saga/ci/10-external-values.yaml"))
 *         .withSet("routes.orderRoute.replicaCount", 3)
 *         .render();
 * Manifests objects = Manifests.parse(yaml);
 * }</pre>
 *
 * <p>helm-java's template command leaves hooks out, and so test pods. {@link #withTests()} renders them too: the chart
 * is copied, the {@code helm.sh/hook} annotations of {@code templates/tests/} are renamed so Helm treats those files
 * as plain templates, and the names are put back in the output, which is then what {@code helm test} would create.
 *
 * <p>The chart is rendered as a first install (revision 1) for Kubernetes {@value #DEFAULT_KUBE_VERSION}; nothing
 * contacts a cluster (the saga chart only calls {@code lookup} on upgrades).
 */
public final class ChartRenderer {

    /** The release name used unless {@link #withRelease(String)} says otherwise; gives {@code saga-order-route}. */
    public static final String DEFAULT_RELEASE = "saga";
    /** The namespace used unless {@link #withNamespace(String)} says otherwise. */
    public static final String DEFAULT_NAMESPACE = "saga";
    /**
     * The Kubernetes version the chart is rendered for ({@code .Capabilities.KubeVersion}) unless
     * {@link #withKubeVersion(String)} says otherwise; helm-java's own default is 1.20, older than the chart supports.
     */
    public static final String DEFAULT_KUBE_VERSION = "v1.32.0";
    /** The chart's three saga services (values under {@code routes}), by component name. */
    public static final List<String> ROUTES = List.of("order-route", "credit-route", "payment-route");
    /** The chart's four Quarkus applications: the three routes and the LRA coordinator. */
    public static final List<String> APPLICATIONS = List.of("order-route", "credit-route", "payment-route", "lra-coordinator");

    private static final String HOOK_ANNOTATION = "helm.sh/hook";
    private static final String DISGUISED_HOOK_ANNOTATION = "rendered-test.k8saga.io/hook";

    private final Path chartDir;
    private final String release;
    private final String namespace;
    private final String kubeVersion;
    private final List<Path> valuesFiles;
    private final Map<String, Object> sets;
    private final boolean includeTests;

    private ChartRenderer(Path chartDir, String release, String namespace, String kubeVersion,
            List<Path> valuesFiles, Map<String, Object> sets, boolean includeTests) {
        this.chartDir = chartDir;
        this.release = release;
        this.namespace = namespace;
        this.kubeVersion = kubeVersion;
        this.valuesFiles = List.copyOf(valuesFiles);
        this.sets = new LinkedHashMap<>(sets);
        this.includeTests = includeTests;
    }

    /** A renderer of the chart in {@code chartDir} (the directory holding Chart.yaml), release "saga". */
    public static ChartRenderer of(Path chartDir) {
        if (!Files.isRegularFile(chartDir.resolve("Chart.yaml"))) {
            throw new IllegalArgumentException("no Chart.yaml in " + chartDir.toAbsolutePath());
        }
        return new ChartRenderer(chartDir.toAbsolutePath().normalize(), DEFAULT_RELEASE, DEFAULT_NAMESPACE,
                DEFAULT_KUBE_VERSION, List.of(), Map.of(), false);
    }

    /**
     * The saga chart: the system property {@code saga.chart.dir} if set, else {@code helm/saga} found from the working
     * directory upwards (so it works from the repository root and from any module directory).
     */
    public static Path locateSagaChart() {
        String configured = System.getProperty("saga.chart.dir");
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : List.of(dir.resolve("saga"), dir.resolve("helm/saga"))) {
                if (Files.isRegularFile(candidate.resolve("Chart.yaml"))) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("helm/saga not found above " + Paths.get("").toAbsolutePath()
                + "; set -Dsaga.chart.dir");
    }

    /** The chart directory this renderer uses. */
    public Path chartDir() {
        return chartDir;
    }

    /** The release name ({@code .Release.Name}). */
    public ChartRenderer withRelease(String name) {
        return new ChartRenderer(chartDir, name, namespace, kubeVersion, valuesFiles, sets, includeTests);
    }

    /** The release namespace ({@code .Release.Namespace}). */
    public ChartRenderer withNamespace(String name) {
        return new ChartRenderer(chartDir, release, name, kubeVersion, valuesFiles, sets, includeTests);
    }

    /** The Kubernetes version to render for, e.g. "v1.30.0". */
    public ChartRenderer withKubeVersion(String version) {
        return new ChartRenderer(chartDir, release, namespace, version, valuesFiles, sets, includeTests);
    }

    /** Adds values files, applied in order after values.yaml, like {@code -f}. */
    public ChartRenderer withValuesFile(Path... files) {
        List<Path> all = new ArrayList<>(valuesFiles);
        for (Path file : files) {
            all.add(file.toAbsolutePath().normalize());
        }
        return new ChartRenderer(chartDir, release, namespace, kubeVersion, all, sets, includeTests);
    }

    /**
     * Adds a {@code --set key=value} pair, applied after the values files. Helm's --set syntax applies: a comma
     * in a value separates pairs unless escaped ({@code "a\\,b"}); prefer a values file for such values.
     */
    public ChartRenderer withSet(String key, Object value) {
        Map<String, Object> all = new LinkedHashMap<>(sets);
        all.put(key, value);
        return new ChartRenderer(chartDir, release, namespace, kubeVersion, valuesFiles, all, includeTests);
    }

    /** Also renders the chart's {@code templates/tests/} (the {@code helm test} pods), with their hook annotations. */
    public ChartRenderer withTests() {
        return new ChartRenderer(chartDir, release, namespace, kubeVersion, valuesFiles, sets, true);
    }

    /**
     * Renders the chart and returns the multi-document YAML.
     *
     * @throws IllegalStateException if Helm refuses, e.g. a values file that breaks values.schema.json or a
     *     template's {@code required}/{@code fail}; the message is Helm's
     */
    public String render() {
        if (!includeTests) {
            return template(chartDir);
        }
        Path copy = copyChart(true, null);
        try {
            return template(copy).replace(DISGUISED_HOOK_ANNOTATION, HOOK_ANNOTATION);
        } finally {
            deleteRecursively(copy);
        }
    }

    /**
     * Renders NOTES.txt the way {@code helm install} prints it (a client-only dry run; nothing is contacted).
     * Returns Helm's whole install report, whose last section is the notes.
     */
    public String notes() {
        var install = new Helm(chartDir).install()
                .withName(release)
                .withNamespace(namespace)
                .withKubeVersion(kubeVersion)
                .dryRun()
                .withDryRunOption(DryRun.CLIENT)
                .clientOnly();
        valuesFiles.forEach(install::withValuesFile);
        sets.forEach(install::set);
        try {
            return install.call().getOutput();
        } catch (RuntimeException e) {
            throw new IllegalStateException("helm install --dry-run failed: " + e.getMessage(), e);
        }
    }

    /**
     * The outcome of {@link #lintStrict()}.
     *
     * @param failed whether Helm judged the chart failed (in strict mode, any warning fails it)
     * @param messages Helm's messages, e.g. "[INFO] Chart.yaml: icon is recommended"
     */
    public record LintReport(boolean failed, List<String> messages) {
    }

    /**
     * {@code helm lint --strict} over the chart with its values.yaml and this renderer's values files, like
     * {@code helm lint --strict -f ...}. helm-java's lint takes no values files, so with values files the chart is
     * copied and the files are merged into the copy's values.yaml the way Helm merges them (maps key by key, any
     * other value replaced). {@code --set} pairs are not supported here.
     *
     * @throws IllegalStateException if {@link #withSet} was used
     */
    public LintReport lintStrict() {
        if (!sets.isEmpty()) {
            throw new IllegalStateException("lintStrict takes values files only, not --set pairs: " + sets.keySet());
        }
        if (valuesFiles.isEmpty()) {
            return lint(chartDir);
        }
        Path copy = copyChart(false, mergedValues());
        try {
            return lint(copy);
        } finally {
            deleteRecursively(copy);
        }
    }

    private static LintReport lint(Path dir) {
        LintResult result = new Helm(dir).lint().strict().call();
        return new LintReport(result.isFailed(), List.copyOf(result.getMessages()));
    }

    /** values.yaml with the values files merged over it, in order, as YAML. */
    private String mergedValues() {
        Map<String, Object> merged = loadYaml(chartDir.resolve("values.yaml"));
        for (Path file : valuesFiles) {
            merged = merge(merged, loadYaml(file));
        }
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        return new org.yaml.snakeyaml.Yaml(options).dump(merged);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> result = new LinkedHashMap<>(base);
        override.forEach((key, value) -> {
            if (value instanceof Map<?, ?> map && result.get(key) instanceof Map<?, ?> existing) {
                result.put(key, merge((Map<String, Object>) existing, (Map<String, Object>) map));
            } else {
                result.put(key, value);
            }
        });
        return result;
    }

    private static Map<String, Object> loadYaml(Path file) {
        try {
            Map<String, Object> values = new org.yaml.snakeyaml.Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(Files.readString(file));
            return values == null ? Map.of() : values;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private String template(Path dir) {
        TemplateCommand template = new Helm(dir).template()
                .withName(release)
                .withNamespace(namespace)
                .withKubeVersion(kubeVersion);
        valuesFiles.forEach(template::withValuesFile);
        sets.forEach(template::set);
        try {
            return template.call();
        } catch (RuntimeException e) {
            throw new IllegalStateException("helm template failed: " + e.getMessage(), e);
        }
    }

    /**
     * A copy of the chart in a new temporary directory: with {@code testsAsTemplates} the hook annotations of
     * {@code templates/tests/} renamed (see {@link #withTests()}); with {@code valuesYaml} that text as values.yaml.
     */
    private Path copyChart(boolean testsAsTemplates, String valuesYaml) {
        try {
            Path target = Files.createTempDirectory("saga-chart-");
            Path copy = target.resolve(chartDir.getFileName());
            try (Stream<Path> files = Files.walk(chartDir)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    Path destination = copy.resolve(chartDir.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(destination);
                    } else if (valuesYaml != null && source.equals(chartDir.resolve("values.yaml"))) {
                        Files.writeString(destination, valuesYaml);
                    } else if (testsAsTemplates && source.startsWith(chartDir.resolve("templates/tests"))) {
                        String text = Files.readString(source);
                        Files.writeString(destination, text.replace(HOOK_ANNOTATION, DISGUISED_HOOK_ANNOTATION));
                    } else {
                        Files.copy(source, destination);
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + chartDir, e);
        }
    }

    private static void deleteRecursively(Path chartCopy) {
        Path root = chartCopy.getParent();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path path : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
