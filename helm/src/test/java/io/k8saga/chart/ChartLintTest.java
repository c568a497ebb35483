package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code helm lint --strict -f ci/NN-name-values.yaml} for every scenario: in strict mode any warning fails the chart.
 * (Without values Helm's lint only logs the chart's {@code fail} about the missing auth settings.)
 */
class ChartLintTest {

    @ParameterizedTest
    @MethodSource("io.k8saga.chart.Scenarios#all")
    void lintStrictPassesWithEveryScenario(Path scenario) {
        ChartRenderer.LintReport report = Scenarios.BARE.withValuesFile(scenario).lintStrict();

        assertThat(report.failed()).as("helm lint --strict -f %s: %s", scenario.getFileName(), report.messages())
                .isFalse();
        assertThat(report.messages()).as("only informational messages")
                .allMatch(m -> m.startsWith("[INFO]"));
    }
}
