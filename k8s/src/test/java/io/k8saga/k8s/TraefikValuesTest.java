package io.k8saga.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Traefik chart takes its Service type from service.spec.type and drops a service.type value without a word: the
 * Service stays a LoadBalancer, which kind never provisions, and helm --wait hangs. So everything the kind setup gives
 * the chart lives in k8s/kind/traefik-values.yaml, which kind-e2e.sh and both READMEs pass, and no file passes
 * service.type. The chart itself is not here to render, so its keys are checked by hand (see the values file).
 */
class TraefikValuesTest {

    private static final Path ROOT = Repository.root();
    private static final Path VALUES = ROOT.resolve("k8s/kind/traefik-values.yaml");
    private static final Path SCRIPT = ROOT.resolve("k8s/kind/kind-e2e.sh");
    private static final List<Path> READMES = List.of(ROOT.resolve("k8s/README.md"),
            ROOT.resolve("helm/saga/README.md"));

    /** What .gitignore leaves out (build output, the local stack's state, IDE files) and git's own directory. */
    private static final Set<String> UNTRACKED_DIRECTORIES =
            Set.of(".git", "target", ".saga", ".idea", ".vscode", "ObjectStore");

    /** A --set or --set-string whose comma-separated assignments include service.type, also after a line break. */
    private static final Pattern SET_SERVICE_TYPE =
            Pattern.compile("--set(?:-string)?[\\s=\\\\]+[\"']?(?:[^\\s,\"']+,)*service\\.type=");

    /** A helm command that installs the release traefik, with its continuation lines. */
    private static final Pattern TRAEFIK_INSTALL =
            Pattern.compile("(?m)^[ \\t]*helm upgrade --install traefik (?:.*\\\\\\n)*.*$");

    private static final Pattern PINNED_VERSION =
            Pattern.compile("TRAEFIK_CHART_VERSION=\"\\$\\{TRAEFIK_CHART_VERSION:-([^}]+)}\"");

    private static Map<String, Object> load(Path file) throws IOException {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> child(Map<String, Object> parent, String key) {
        assertThat(parent.get(key)).as(key).isInstanceOf(Map.class);
        return (Map<String, Object>) parent.get(key);
    }

    private static String traefikInstall(Path file) throws IOException {
        Matcher install = TRAEFIK_INSTALL.matcher(Files.readString(file));
        assertThat(install.find()).as("%s installs Traefik with helm", ROOT.relativize(file)).isTrue();
        return install.group().strip();
    }

    private static String pinnedVersion() throws IOException {
        Matcher version = PINNED_VERSION.matcher(Files.readString(SCRIPT));
        assertThat(version.find()).as("kind-e2e.sh pins TRAEFIK_CHART_VERSION").isTrue();
        return version.group(1);
    }

    /** Scripts (by extension or a #! line), workflows, values files and READMEs that git would track. */
    private static List<Path> textFilesOfTheRepository() throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(ROOT, new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return UNTRACKED_DIRECTORIES.contains(dir.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                String name = file.getFileName().toString();
                if (name.endsWith(".sh") || name.endsWith(".md") || name.endsWith(".yml") || name.endsWith(".yaml")
                        || startsWithShebang(file)) {
                    files.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return files;
    }

    private static boolean startsWithShebang(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] start = in.readNBytes(2);
            return start.length == 2 && start[0] == '#' && start[1] == '!';
        }
    }

    @Test
    void noScriptWorkflowOrReadmeHandsServiceTypeToTheChart() throws IOException {
        List<Path> files = textFilesOfTheRepository();
        List<String> offenders = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file);
            Matcher set = SET_SERVICE_TYPE.matcher(text);
            while (set.find()) {
                long line = text.substring(0, set.start()).chars().filter(c -> c == '\n').count() + 1;
                offenders.add(ROOT.relativize(file) + ":" + line);
            }
        }

        assertThat(files).as("the scan reaches the script, the workflow and both READMEs")
                .contains(SCRIPT, ROOT.resolve(".github/workflows/kind-e2e.yml"))
                .containsAll(READMES);
        assertThat(offenders).as("the chart ignores service.type; put settings in k8s/kind/traefik-values.yaml")
                .isEmpty();
    }

    @Test
    void theValuesFileSetsTheServiceTypeWhereTheChartReadsIt() throws IOException {
        Map<String, Object> service = child(load(VALUES), "service");

        assertThat(service).as("service.type, which the chart ignores").doesNotContainKey("type");
        assertThat(child(service, "spec")).containsEntry("type", "NodePort");
    }

    @Test
    @SuppressWarnings("unchecked")
    void webServesPlainHttpOnTheNodePortKindPublishesOnPort80() throws IOException {
        Map<String, Object> web = child(child(load(VALUES), "ports"), "web");
        List<Map<String, Object>> nodes = (List<Map<String, Object>>) load(ROOT.resolve("k8s/kind/cluster.yaml"))
                .get("nodes");
        List<Object> published = nodes.stream()
                .flatMap(node -> ((List<Map<String, Object>>) node.getOrDefault("extraPortMappings", List.of()))
                        .stream())
                .filter(mapping -> Integer.valueOf(80).equals(mapping.get("hostPort")))
                .map(mapping -> mapping.get("containerPort"))
                .toList();

        assertThat(published).as("node ports cluster.yaml publishes on host port 80").hasSize(1);
        assertThat(web.get("nodePort")).isEqualTo(published.get(0));
        assertThat(web).as("web's http settings (a redirect to websecure would break http://localhost)")
                .doesNotContainKey("http");
    }

    @Test
    void theIngressClassIsTheOneBothDeploymentsName() throws IOException {
        Object name = child(load(VALUES), "ingressClass").get("name");
        Object chartDefault = child(load(ROOT.resolve("helm/saga/values.yaml")), "ingress").get("className");
        Object overlay = child(load(ROOT.resolve("k8s/base/network/ingress.yaml")), "spec").get("ingressClassName");

        assertThat(name).isEqualTo("traefik").isEqualTo(chartDefault).isEqualTo(overlay);
    }

    @Test
    void theScriptAndBothReadmesInstallThePinnedChartWithTheValuesFile() throws IOException {
        String version = pinnedVersion();
        String script = Files.readString(SCRIPT);
        String scriptInstall = traefikInstall(SCRIPT);

        assertThat(script).contains("\nTRAEFIK_VALUES=k8s/kind/traefik-values.yaml\n");
        assertThat(scriptInstall).contains("--version \"$TRAEFIK_CHART_VERSION\"", "--values \"$TRAEFIK_VALUES\"")
                .doesNotContain("--set");
        assertThat(Files.readString(VALUES)).as("the values file names the chart version it was checked against")
                .contains("v" + version);
        String first = traefikInstall(READMES.get(0));
        assertThat(first).contains("--version " + version, "--values k8s/kind/traefik-values.yaml")
                .doesNotContain("--set");
        assertThat(traefikInstall(READMES.get(1))).as("helm/saga/README.md quotes k8s/README.md's command")
                .isEqualTo(first);
    }
}
