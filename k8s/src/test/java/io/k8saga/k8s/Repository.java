package io.k8saga.k8s;

import io.k8saga.chart.ChartRenderer;
import io.k8saga.chart.Manifests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The repository the tests check, and the kind overlay as kustomize builds it. */
final class Repository {

    /** The four Quarkus applications; each has a module and a directory k8s/base/{@literal <name>}. */
    static final List<String> APPLICATIONS = ChartRenderer.APPLICATIONS;

    private static Manifests kindOverlay;

    private Repository() {
    }

    /** {@link #APPLICATIONS} for {@code @MethodSource}. */
    static List<String> applications() {
        return APPLICATIONS;
    }

    static Path root() {
        String configured = System.getProperty("saga.repo.root", "");
        return configured.isBlank() ? Path.of("..").toAbsolutePath().normalize() : Path.of(configured);
    }

    /** {@code kubectl kustomize k8s/overlays/kind}, parsed strictly; built once per test run. */
    static synchronized Manifests kindOverlay() {
        if (kindOverlay == null) {
            kindOverlay = Manifests.parse(kustomize(root().resolve("k8s/overlays/kind")));
        }
        return kindOverlay;
    }

    static String kustomize(Path directory) {
        ProcessBuilder builder = new ProcessBuilder("kubectl", "kustomize", directory.toString())
                .redirectErrorStream(true);
        try {
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + directory + " failed:\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kubectl (needed on the PATH for kustomize; no cluster needed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running kubectl kustomize", e);
        }
    }
}
