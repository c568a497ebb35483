package io.k8saga.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The GitHub workflows cannot run here, so this checks what can be checked without GitHub: they parse, they run
 * the commands the issue names, and every step of k8s/kind/kind-e2e.sh they call exists in the script.
 */
class WorkflowTest {

    private static final Path WORKFLOWS = Repository.root().resolve(".github/workflows");
    private static final Pattern SCRIPT_STEP = Pattern.compile("k8s/kind/kind-e2e\\.sh ([a-z0-9-]+)");

    @SuppressWarnings("unchecked")
    private static Map<String, Object> load(String file) throws IOException {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(WORKFLOWS.resolve(file)));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps(Map<String, Object> workflow, String job) {
        Map<String, Object> jobs = (Map<String, Object>) workflow.get("jobs");
        return (List<Map<String, Object>>) ((Map<String, Object>) jobs.get(job)).get("steps");
    }

    private static List<String> runs(List<Map<String, Object>> steps) {
        List<String> runs = new ArrayList<>();
        steps.stream().map(step -> step.get("run")).filter(String.class::isInstance).map(String.class::cast).forEach(runs::add);
        return runs;
    }

    @Test
    @SuppressWarnings("unchecked")
    void ciRunsWhatCiHereRunsOnPushAndPullRequest() throws IOException {
        Map<String, Object> ci = load("ci.yml");

        // SnakeYAML (YAML 1.1) reads the key `on` as the boolean true.
        assertThat((Map<String, Object>) ci.get(true)).containsKeys("push", "pull_request");
        assertThat(runs(steps(ci, "verify"))).anyMatch(run -> run.matches(".*bash \\.ci/run"));
        // .ci/run is what runs the README's test command and the passes on PostgreSQL, chart-driven and faults.
        String ciRun = Files.readString(Repository.root().resolve(".ci/run"));
        assertThat(ciRun).contains("./mvnw -B -ntp verify", "SAGA_DB=postgresql system_tests",
                "system_tests -De2e.stack=chart", "system_tests -Pfaults", "./saga bench", "./saga check");
    }

    @Test
    @SuppressWarnings("unchecked")
    void kindE2eDeploysBothWaysWithHelmPinnedTo321() throws IOException {
        Map<String, Object> kind = load("kind-e2e.yml");
        Map<String, Object> job = (Map<String, Object>) ((Map<String, Object>) kind.get("jobs")).get("kind-e2e");
        Map<String, Object> matrix = (Map<String, Object>) ((Map<String, Object>) job.get("strategy")).get("matrix");

        assertThat((List<String>) matrix.get("deploy")).containsExactly("helm", "kustomize");
        assertThat((String) ((Map<String, Object>) kind.get("env")).get("HELM_VERSION")).startsWith("v3.21.");
        assertThat(String.join("\n", runs(steps(kind, "kind-e2e"))))
                .contains("kind-e2e.sh preflight", "kind-e2e.sh cluster", "kind-e2e.sh images", "kind-e2e.sh ingress",
                        "kind-e2e.sh deploy ${{ matrix.deploy }}", "kind-e2e.sh helm-test", "kind-e2e.sh e2e",
                        "kind-e2e.sh collect");
        assertThat(steps(kind, "kind-e2e")).anyMatch(step -> "failure()".equals(step.get("if"))
                && String.valueOf(step.get("uses")).startsWith("actions/upload-artifact@"));
    }

    @Test
    void everyScriptStepTheWorkflowCallsExists() throws IOException {
        String script = Files.readString(Repository.root().resolve("k8s/kind/kind-e2e.sh"));
        Matcher called = SCRIPT_STEP.matcher(Files.readString(WORKFLOWS.resolve("kind-e2e.yml")));
        List<String> steps = new ArrayList<>();
        while (called.find()) {
            steps.add(called.group(1));
        }

        assertThat(steps).isNotEmpty();
        for (String step : steps) {
            assertThat(script).as("kind-e2e.sh handles the step '%s'", step).contains("\n  " + step + ")");
        }
    }
}
