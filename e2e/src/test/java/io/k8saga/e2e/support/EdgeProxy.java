package io.k8saga.e2e.support;

import io.k8saga.chart.ChartRenderer;
import io.k8saga.chart.Manifests;
import io.kubernetes.client.openapi.models.V1HTTPIngressPath;
import io.kubernetes.client.openapi.models.V1Ingress;
import io.kubernetes.client.openapi.models.V1IngressRule;
import io.kubernetes.client.openapi.models.V1Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * nginx standing in for the cluster's ingress controller in front of the local stack ({@code -De2e.edge=nginx}):
 * it routes exactly the paths of the Ingress that helm/saga renders, each to the local process of the Service it
 * names, and answers every other path itself with a plain-text 404, as Traefik does. Like Traefik it buffers
 * neither requests nor responses and sets no limit on a request body. Its configuration, logs and temporary files
 * live under one directory; it is started by the test run and stopped when the run ends.
 */
final class EdgeProxy implements AutoCloseable {

    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final String COMPONENT_LABEL = "app.kubernetes.io/component";
    private static final Duration START_LIMIT = Duration.ofSeconds(20);

    private final Process nginx;
    private final URI baseUrl;

    private EdgeProxy(Process nginx, URI baseUrl) {
        this.nginx = nginx;
        this.baseUrl = baseUrl;
    }

    /**
     * Renders the chart's Ingress, writes the nginx configuration for it into {@code dir} and starts nginx on
     * {@code port}.
     *
     * @param localUrlOf a component's (app.kubernetes.io/component) address on this machine
     */
    static EdgeProxy start(Path repoRoot, Path dir, int port, Function<String, URI> localUrlOf) {
        if (!Files.isExecutable(NGINX)) {
            throw new IllegalStateException("-De2e.edge=nginx needs nginx at " + NGINX
                    + " (Debian: apt-get install nginx; .ci/run installs it)");
        }
        Map<String, Route> routes = ingressRoutes(repoRoot, localUrlOf);
        try {
            Files.createDirectories(dir.resolve("temp"));
            Path config = dir.resolve("nginx.conf");
            Files.writeString(config, configuration(dir, port, routes));
            Process process = new ProcessBuilder(NGINX.toString(), "-p", dir.toString(),
                    "-e", dir.resolve("error.log").toString(), "-c", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.out").toFile())
                    .start();
            EdgeProxy proxy = new EdgeProxy(process, URI.create("http://127.0.0.1:" + port));
            proxy.awaitListening(port, dir);
            System.out.println("[saga] edge proxy (nginx) on " + proxy.baseUrl + " routes " + routes);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nginx in " + dir, e);
        }
    }

    URI baseUrl() {
        return baseUrl;
    }

    /** Where an Ingress path leads, and whether it matches only itself (pathType Exact) or its subpaths too. */
    record Route(URI target, boolean exact) {
    }

    /**
     * Each path of the Ingress the chart renders as kind installs it (its defaults and the token settings of
     * {@code ci/00-defaults-values.yaml}), pathType Prefix or Exact, with the local address of the component behind
     * its Service, in the Ingress's order.
     */
    static Map<String, Route> ingressRoutes(Path repoRoot, Function<String, URI> localUrlOf) {
        Path chart = repoRoot.resolve("helm/saga");
        Manifests rendered = Manifests.parse(ChartRenderer.of(chart)
                .withValuesFile(chart.resolve("ci/00-defaults-values.yaml")).render());
        Map<String, Route> routes = new LinkedHashMap<>();
        for (V1Ingress ingress : rendered.ofType(V1Ingress.class)) {
            for (V1IngressRule rule : ingress.getSpec().getRules()) {
                for (V1HTTPIngressPath path : rule.getHttp().getPaths()) {
                    if (!"Prefix".equals(path.getPathType()) && !"Exact".equals(path.getPathType())) {
                        throw new IllegalStateException("the edge proxy knows pathType Prefix and Exact only, not "
                                + path.getPathType() + " (" + path.getPath() + ")");
                    }
                    String serviceName = path.getBackend().getService().getName();
                    V1Service service = rendered.named(V1Service.class, serviceName);
                    String component = service.getSpec().getSelector().get(COMPONENT_LABEL);
                    routes.put(path.getPath(), new Route(localUrlOf.apply(component), "Exact".equals(path.getPathType())));
                }
            }
        }
        if (routes.isEmpty()) {
            throw new IllegalStateException("helm/saga renders no Ingress path with its default values");
        }
        return routes;
    }

    /**
     * The nginx configuration: a Prefix path {@code /p} matches {@code /p} and {@code /p/...} but not {@code /px},
     * hence an exact location and one for the path with a trailing slash; an Exact path only the exact location.
     */
    static String configuration(Path dir, int port, Map<String, Route> routes) {
        StringBuilder locations = new StringBuilder();
        routes.forEach((path, route) -> {
            String upstream = "http://" + route.target().getHost() + ":" + route.target().getPort();
            if (route.exact()) {
                locations.append("    location = ").append(path).append(" { proxy_pass ").append(upstream)
                        .append("; }\n");
                return;
            }
            String trimmed = path.replaceFirst("/+$", "");
            locations.append("    location = ").append(trimmed).append(" { proxy_pass ").append(upstream)
                    .append("; }\n");
            locations.append("    location ").append(trimmed).append("/ { proxy_pass ").append(upstream)
                    .append("; }\n");
        });
        String temp = dir.resolve("temp").toString();
        // Run as root, nginx would hand its workers to "nobody", who may not write the temp directory here.
        String user = "root".equals(System.getProperty("user.name")) ? "user root;\n" : "";
        return user + """
                daemon off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 8192; }
                worker_rlimit_nofile 20000;
                http {
                  access_log %1$s/access.log;
                  client_body_temp_path %2$s/body;
                  proxy_temp_path %2$s/proxy;
                  fastcgi_temp_path %2$s/fastcgi;
                  uwsgi_temp_path %2$s/uwsgi;
                  scgi_temp_path %2$s/scgi;
                  # As Traefik: no limit on a request body, nothing buffered either way, the client's Host kept.
                  client_max_body_size 0;
                  proxy_request_buffering off;
                  proxy_buffering off;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_set_header Host $http_host;
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_read_timeout 300s;
                  server {
                    listen 127.0.0.1:%3$d;
                %4$s
                    location / {
                      default_type text/plain;
                      return 404 "404 page not found\\n";
                    }
                  }
                }
                """.formatted(dir, temp, port, locations);
    }

    private void awaitListening(int port, Path dir) {
        Instant deadline = Instant.now().plus(START_LIMIT);
        while (Instant.now().isBefore(deadline)) {
            if (!nginx.isAlive()) {
                throw new IllegalStateException("nginx exited with " + nginx.exitValue() + "; see " + dir);
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    TimeUnit.MILLISECONDS.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while nginx starts", e);
                }
            }
        }
        close();
        throw new IllegalStateException("nginx did not listen on " + port + " within " + START_LIMIT + "; see " + dir);
    }

    @Override
    public void close() {
        nginx.destroy();
        try {
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            nginx.destroyForcibly();
        }
    }
}
