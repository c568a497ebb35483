package io.k8saga.chart;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code helm lint --strict}: in strict mode any warning fails the chart. */
class ChartLintTest {

    @Test
    void lintStrictPasses() {
        ChartRenderer.LintReport report = Scenarios.RENDERER.lintStrict();

        assertThat(report.failed()).as("helm lint --strict: %s", report.messages()).isFalse();
        assertThat(report.messages()).as("only informational messages")
                .allMatch(m -> m.startsWith("[INFO]"));
    }
}
