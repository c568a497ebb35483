package io.k8saga.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.chart.ChartRenderer;
import io.k8saga.chart.Manifests;
import io.kubernetes.client.openapi.models.V1Container;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What can be checked of k8s/kind/kind-e2e.sh without a cluster: it parses, it gives the routes the public key of a
 * pair it makes (Secret saga-api-token-key, key public-key) on both deploy legs, with the issuer and audience the
 * kind overlay sets, and it hands the private key to the e2e suite and sends a token while it waits for the API. Its
 * preflight names every missing tool before failing, and runs first; collect keeps what a failed Traefik run needs.
 */
class KindScriptTest {

    private static final Path SCRIPT = Repository.root().resolve("k8s/kind/kind-e2e.sh");

    static String script() throws IOException {
        return Files.readString(SCRIPT);
    }

    /** The body of a shell function {@code name() { ... }} (up to the first line that is a lone closing brace). */
    static String function(String script, String name) {
        Matcher body = Pattern.compile("(?ms)^" + Pattern.quote(name) + "\\(\\) \\{\\n(.*?)^\\}$").matcher(script);
        assertThat(body.find()).as("kind-e2e.sh defines %s()", name).isTrue();
        return body.group(1);
    }

    /** The value of a plain {@code NAME=value} assignment at the top of the script. */
    static String variable(String script, String name) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(name) + "=(\\S+)$").matcher(script);
        assertThat(value.find()).as("kind-e2e.sh sets %s", name).isTrue();
        return value.group(1);
    }

    /** The first executable named {@code tool} on this process's PATH. */
    private static Path onPath(String tool) {
        return Stream.of(System.getenv("PATH").split(File.pathSeparator))
                .map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(tool + " is not on the PATH"));
    }

    @Test
    void theScriptParses() throws Exception {
        Process bash = new ProcessBuilder("bash", "-n", SCRIPT.toString()).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(bash.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(bash.exitValue()).as("bash -n kind-e2e.sh: %s", output).isZero();
    }

    @Test
    void theScriptMakesAnRsaKeyPairWhereGitDoesNotLook() throws IOException {
        String script = script();
        String keyPair = function(script, "ensure_token_key_pair");

        assertThat(keyPair).contains("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048",
                "openssl pkey -in \"$TOKEN_KEY\" -pubout -out \"$TOKEN_PUBLIC_KEY\"", "umask 077");
        assertThat(script).contains("WORK_DIR=\"${KIND_E2E_HOME:-$ROOT/.saga/kind-e2e}\"");
        assertThat(Files.readAllLines(Repository.root().resolve(".gitignore"))).contains(".saga/");
    }

    @Test
    void theScriptCreatesTheKeySecretTheOverlaysRoutesRead() throws IOException {
        String script = script();
        String secret = variable(script, "TOKEN_SECRET");
        Manifests overlay = Repository.kindOverlay();

        assertThat(function(script, "ensure_token_key"))
                .contains("create secret generic \"$TOKEN_SECRET\" --from-file=public-key=\"$TOKEN_PUBLIC_KEY\"");
        for (String route : ChartRenderer.ROUTES) {
            V1Container container = overlay.container(route);
            assertThat(Manifests.secretEnv(container).get("MP_JWT_VERIFY_PUBLICKEY")).as(route).satisfies(ref -> {
                assertThat(ref.getName()).isEqualTo(secret);
                assertThat(ref.getKey()).isEqualTo("public-key");
            });
            assertThat(overlay.configEnv(container)).as(route)
                    .containsEntry("MP_JWT_VERIFY_ISSUER", variable(script, "TOKEN_ISSUER"))
                    .containsEntry("MP_JWT_VERIFY_AUDIENCES", variable(script, "TOKEN_AUDIENCE"));
        }
    }

    @Test
    void bothDeployLegsProvideTheKeyBeforeInstalling() throws IOException {
        String deploy = function(script(), "cmd_deploy");
        String helm = deploy.substring(deploy.indexOf("helm)"), deploy.indexOf("kustomize)"));
        String kustomize = deploy.substring(deploy.indexOf("kustomize)"));

        assertThat(helm.indexOf("ensure_token_key")).isNotNegative()
                .isLessThan(helm.indexOf("helm upgrade --install"));
        assertThat(helm).contains("--set \"auth.issuer=$TOKEN_ISSUER\"", "--set \"auth.existingSecret=$TOKEN_SECRET\"",
                "--set \"tests.tokenSecret=$HELM_TEST_TOKEN_SECRET\"");
        assertThat(kustomize.indexOf("ensure_token_key")).isNotNegative()
                .isLessThan(kustomize.indexOf("kubectl apply -k"));
    }

    @Test
    void theReadinessLoopSendsATokenOnEveryCall() throws IOException {
        String wait = function(script(), "wait_for_api");

        assertThat(wait).contains("auth=\"Authorization: Bearer $(mint_token)\"");
        assertThat(wait.lines().filter(line -> line.contains("curl "))).hasSize(3)
                .allMatch(line -> line.contains("-H \"$auth\""));
    }

    @Test
    void theTokensAreRs256JwtsWithTheClaimsTheRoutesCheck() throws IOException {
        String mint = function(script(), "mint_token");

        assertThat(mint).contains("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", "\"iss\":", "\"aud\":", "\"sub\":",
                "\"groups\":[\"admin\"]", "\"iat\":", "\"exp\":", "openssl dgst -sha256 -sign \"$TOKEN_KEY\"");
        assertThat(script()).as("base64url without padding")
                .contains("base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }");
    }

    @Test
    void theE2eSuiteGetsThePrivateKeyIssuerAndAudience() throws IOException {
        assertThat(function(script(), "cmd_e2e")).contains("-pl testkit,helm,e2e", "\"-De2e.tokenKey=$TOKEN_KEY\"",
                "\"-De2e.tokenIssuer=$TOKEN_ISSUER\"", "\"-De2e.tokenAudience=$TOKEN_AUDIENCE\"");
    }

    @Test
    void theE2eStepEndsWithTheCoordinatorPodFailover() throws IOException {
        assertThat(function(script(), "cmd_e2e")).contains("-Pfaults -Dit.test=PodFailoverIT",
                "\"-De2e.kubeNamespace=$NAMESPACE\"", "\"-De2e.coordinatorPod=$pod\"", "lra-coordinator-1");
    }

    @Test
    void preflightListsEveryMissingToolBeforeFailing(@TempDir Path bin) throws Exception {
        // A PATH with only what the script needs to start (dirname), so every tool preflight looks for is missing.
        Files.createSymbolicLink(bin.resolve("dirname"), onPath("dirname"));
        ProcessBuilder builder = new ProcessBuilder(onPath("bash").toString(), SCRIPT.toString(), "preflight")
                .redirectErrorStream(true);
        builder.environment().put("PATH", bin.toString());
        builder.environment().remove("JAVA_HOME");
        Process preflight = builder.start();
        String output = new String(preflight.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(preflight.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(preflight.exitValue()).as("preflight: %s", output).isNotZero();
        assertThat(output).contains("docker not found: https://", "kind not found: https://",
                "kubectl not found: https://", "helm not found: https://", "openssl not found: the openssl package",
                "curl not found: the curl package", "java not found: a JDK 17 or later", "nothing was created");
    }

    @Test
    void allRunsPreflightBeforeCreatingTheCluster() throws IOException {
        String all = function(script(), "cmd_all");

        assertThat(all.indexOf("cmd_preflight")).isNotNegative().isLessThan(all.indexOf("cmd_cluster"));
    }

    @Test
    void collectKeepsTraefiksLogsAndWhatBothReleasesRunWith() throws IOException {
        assertThat(function(script(), "cmd_collect")).contains("pod_logs \"$NAMESPACE\"",
                "pod_logs \"$TRAEFIK_NAMESPACE\"", "helm get values \"$RELEASE\" --namespace \"$NAMESPACE\" --all",
                "helm get values traefik --namespace \"$TRAEFIK_NAMESPACE\" --all");
    }
}
