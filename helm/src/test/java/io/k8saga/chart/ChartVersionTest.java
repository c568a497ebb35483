package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The chart's version and appVersion are the Maven project version, and the images are tagged with it. */
class ChartVersionTest {

    private static final String PROJECT_VERSION = System.getProperty("project.version");

    @Test
    void chartVersionAndAppVersionAreTheProjectVersion() throws IOException {
        Map<String, Object> chart = new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(Scenarios.CHART.resolve("Chart.yaml")));

        assertThat(PROJECT_VERSION).as("system property project.version (set by the pom)").isNotBlank();
        assertThat(chart).containsEntry("apiVersion", "v2")
                .containsEntry("version", PROJECT_VERSION)
                .containsEntry("appVersion", PROJECT_VERSION);
    }

    @Test
    void applicationImagesAreTaggedWithTheAppVersion() {
        Manifests manifests = Scenarios.manifests(Scenarios.named("00-defaults-values.yaml"));

        for (String application : ChartRenderer.APPLICATIONS) {
            assertThat(manifests.container(ChartRenderer.DEFAULT_RELEASE + "-" + application).getImage())
                    .as(application)
                    .isEqualTo("k8saga/" + application + ":" + PROJECT_VERSION);
        }
    }
}
