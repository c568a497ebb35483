package io.k8saga.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The chart under test and its ci/ scenarios, each rendered once (with the test pod) and shared by the tests. */
final class Scenarios {

    static final Path CHART = ChartRenderer.locateSagaChart();
    /** The chart with values.yaml alone, which renders nothing: auth.issuer and a key source have no default. */
    static final ChartRenderer BARE = ChartRenderer.of(CHART);
    /** The chart as on kind: the defaults scenario, values.yaml plus the auth settings every install must give. */
    static final ChartRenderer RENDERER = BARE.withValuesFile(named("00-defaults-values.yaml"));

    private static final Map<Path, String> YAML = new ConcurrentHashMap<>();
    private static final Map<Path, Manifests> MANIFESTS = new ConcurrentHashMap<>();

    private Scenarios() {
    }

    /** ci/NN-name-values.yaml, in order; a parameter source for the tests that run over every scenario. */
    static Stream<Path> all() {
        try (Stream<Path> files = Files.list(CHART.resolve("ci"))) {
            List<Path> scenarios = files.filter(f -> f.getFileName().toString().endsWith("-values.yaml"))
                    .sorted()
                    .toList();
            if (scenarios.isEmpty()) {
                throw new IllegalStateException("no scenarios in " + CHART.resolve("ci"));
            }
            return scenarios.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One scenario by its file name, e.g. "10-external-values.yaml". */
    static Path named(String fileName) {
        Path file = CHART.resolve("ci").resolve(fileName);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no scenario " + file);
        }
        return file;
    }

    /** The scenario rendered by {@code helm template} plus the test pod (see {@link ChartRenderer#withTests()}). */
    static String yaml(Path scenario) {
        return YAML.computeIfAbsent(scenario, s -> BARE.withValuesFile(s).withTests().render());
    }

    /** The scenario's objects, parsed strictly. */
    static Manifests manifests(Path scenario) {
        return MANIFESTS.computeIfAbsent(scenario, s -> Manifests.parse(yaml(s)));
    }

    /** The object name prefix of a scenario: its fullnameOverride, else the release name. */
    static String prefix(Path scenario) {
        Object override = values(scenario).get("fullnameOverride");
        return override instanceof String s && !s.isEmpty() ? s : ChartRenderer.DEFAULT_RELEASE;
    }

    /** The scenario file's own values (not merged with values.yaml). */
    static Map<String, Object> values(Path scenario) {
        try {
            Map<String, Object> values = new Yaml(new SafeConstructor(new LoaderOptions()))
                    .load(Files.readString(scenario));
            return values == null ? Map.of() : values;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
