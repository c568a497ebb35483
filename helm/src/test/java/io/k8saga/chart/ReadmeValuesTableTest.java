package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * values.yaml documents every key, and the values table of helm/saga/README.md lists exactly those keys with their
 * defaults and descriptions. After changing values.yaml, regenerate the table with
 * {@code ./mvnw -o -pl helm test -Dtest=ReadmeValuesTableTest -Dsaga.chart.updateReadme=true}.
 */
class ReadmeValuesTableTest {

    private static final Path VALUES = Scenarios.CHART.resolve("values.yaml");
    private static final Path README = Scenarios.CHART.resolve("README.md");

    @Test
    void everyValuesKeyHasADashDashComment() throws IOException {
        List<ValuesDoc.Key> keys = ValuesDoc.keys(Files.readString(VALUES));

        assertThat(keys).hasSizeGreaterThan(50);
        assertThat(keys).filteredOn(key -> key.description() == null || key.description().isBlank())
                .extracting(ValuesDoc.Key::path)
                .as("keys without a '# --' comment right above them")
                .isEmpty();
    }

    @Test
    void readmeValuesTableMatchesValuesYaml() throws IOException {
        String expected = ValuesDoc.table(ValuesDoc.keys(Files.readString(VALUES)));
        String readme = Files.readString(README);
        String actual = ValuesDoc.tableIn(readme);
        assertThat(actual).as("README.md has the values table markers").isNotNull();

        if (!expected.equals(actual) && Boolean.getBoolean("saga.chart.updateReadme")) {
            Files.writeString(README, readme.replace(actual, expected));
            actual = expected;
        }
        assertThat(actual).as("README.md values table; regenerate it with -Dsaga.chart.updateReadme=true")
                .isEqualTo(expected);
    }
}
