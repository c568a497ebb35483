package io.k8saga.e2e.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The local stand-in for the cluster ingress: one public base URL that routes by path prefix,
 * {@code /api/orders} to order-route, {@code /api/customers} to credit-route, {@code /api/payments} to payment-route,
 * and {@code /} itself (only that path: the dashboard page) to order-route.
 * It passes method, path, query, body, status and the headers the API uses (the bearer token's {@code Authorization}
 * on the way in, a 401's {@code WWW-Authenticate} on the way out); every other path is a 404, an
 * unreachable service a 502, both as RFC 9457 problem details. JDK only, so {@code ./saga} runs it from the
 * compiled classes with no class path to assemble.
 *
 * <p>Environment: {@code GATEWAY_PORT} (8080), {@code ORDER_URL} (http://localhost:8081),
 * {@code CREDIT_URL} (http://localhost:8082), {@code PAYMENT_URL} (http://localhost:8083).
 */
public final class LocalGateway implements AutoCloseable {

    /** Request headers passed on to the services; hop-by-hop and restricted headers are not. */
    private static final List<String> REQUEST_HEADERS = List.of(
            "Content-Type", "Accept", "Accept-Language", "Idempotency-Key", "Authorization", "Traceparent", "Prefer",
            "Last-Event-ID");
    /** Response headers passed back to the client. */
    private static final List<String> RESPONSE_HEADERS = List.of(
            "Content-Type", "Location", "Retry-After", "Allow", "Cache-Control", "ETag", "Preference-Applied",
            "WWW-Authenticate");
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final String PROBLEM_JSON = "application/problem+json";
    /** The dashboard page, order-route's; an exact path, as the chart's Ingress has it. */
    private static final String DASHBOARD = "/";

    private final HttpServer server;
    private final ExecutorService workers;
    private final HttpClient client;
    private final Map<String, URI> routes;

    private LocalGateway(HttpServer server, ExecutorService workers, Map<String, URI> routes) {
        this.server = server;
        this.workers = workers;
        this.routes = routes;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    public static void main(String[] args) throws IOException {
        Map<String, URI> routes = new LinkedHashMap<>();
        routes.put("/api/orders", URI.create(env("ORDER_URL", "http://localhost:8081")));
        routes.put("/api/customers", URI.create(env("CREDIT_URL", "http://localhost:8082")));
        routes.put("/api/payments", URI.create(env("PAYMENT_URL", "http://localhost:8083")));
        routes.put(DASHBOARD, URI.create(env("ORDER_URL", "http://localhost:8081")));
        LocalGateway gateway = start(Integer.parseInt(env("GATEWAY_PORT", "8080")), routes);
        // No shutdown hook: the gateway holds no state, and HttpServer.stop() would delay exit by up to a second.
        System.out.printf("gateway listening on port %d, routes %s%n", gateway.port(), routes);
    }

    /**
     * Starts a gateway on the given port (0 picks a free one) with a path prefix → service base URL table
     * (a base URL may carry a context path, which is put in front of the request path).
     * Binds to the loopback interface only, like every component of the local stack: nothing of it is reachable from
     * the network.
     */
    public static LocalGateway start(int port, Map<String, URI> routes) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        // One thread per request in progress, however many: a long-polling GET (Prefer: wait) holds its thread.
        ExecutorService workers = Executors.newCachedThreadPool(daemonThreads());
        LocalGateway gateway = new LocalGateway(server, workers, Map.copyOf(routes));
        server.createContext("/", gateway::handle);
        server.setExecutor(workers);
        server.start();
        return gateway;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        long started = System.nanoTime();
        int status;
        try (exchange) {
            status = respond(exchange);
        } catch (IOException | RuntimeException e) {
            status = -1;
            System.out.printf("%s %s failed: %s%n", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        }
        if (!exchange.getRequestURI().getPath().equals("/gateway/health")) {
            System.out.printf("%s %s -> %d (%d ms)%n", exchange.getRequestMethod(), exchange.getRequestURI(), status,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    private int respond(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        if (path.equals("/gateway/health") && method.equals("GET")) {
            return send(exchange, 200, "application/json", "{\"status\":\"UP\"}");
        }
        Optional<URI> upstream = hasDotSegments(exchange.getRequestURI().getPath())
                ? Optional.empty() : routeFor(path);
        if (upstream.isEmpty()) {
            return problem(exchange, 404, "Not Found", "No API resource at " + path + ".");
        }
        return forward(exchange, upstream.get());
    }

    /**
     * The service owning a path: the prefix itself or anything below it, never a longer name; the dashboard's
     * {@code /} only itself.
     */
    private Optional<URI> routeFor(String path) {
        return routes.entrySet().stream()
                .filter(route -> path.equals(route.getKey())
                        || !route.getKey().equals(DASHBOARD) && path.startsWith(route.getKey() + "/"))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    /** "." and ".." segments could climb out of /api to a service's internal endpoints. */
    private static boolean hasDotSegments(String decodedPath) {
        for (String segment : decodedPath.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return decodedPath.contains("\\");
    }

    private int forward(HttpExchange exchange, URI upstream) throws IOException {
        byte[] body = readBody(exchange.getRequestBody());
        if (body == null) {
            return problem(exchange, 413, "Content Too Large", "The request body exceeds " + MAX_BODY_BYTES + " bytes.");
        }
        String query = exchange.getRequestURI().getRawQuery();
        URI target = URI.create(upstream.toString().replaceFirst("/+$", "")
                + exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query));
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), body.length == 0
                        ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String name : REQUEST_HEADERS) {
            List<String> values = exchange.getRequestHeaders().get(name);
            if (values != null) {
                values.forEach(value -> request.header(name, value));
            }
        }
        forwardedHeaders(exchange).forEach(request::header);
        HttpResponse<InputStream> response;
        try {
            // The time limit covers the answer's head; an event stream's body then flows for as long as it lasts.
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return problem(exchange, 502, "Bad Gateway", "The service behind " + exchange.getRequestURI().getPath()
                    + " is unreachable (" + upstream + ").");
        } catch (HttpTimeoutException e) {
            return problem(exchange, 504, "Gateway Timeout", "The service at " + upstream + " did not answer in time.");
        } catch (IOException e) {
            return problem(exchange, 502, "Bad Gateway", "The service at " + upstream + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem(exchange, 503, "Service Unavailable", "The gateway is shutting down.");
        }
        for (String name : RESPONSE_HEADERS) {
            for (String value : response.headers().allValues(name)) {
                exchange.getResponseHeaders().add(name, name.equals("Location")
                        ? publicLocation(value, upstream, exchange) : value);
            }
        }
        try (InputStream answer = response.body()) {
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                return stream(exchange, response.statusCode(), answer);
            }
            return sendBytes(exchange, response.statusCode(), answer.readAllBytes());
        }
    }

    /** Passes an event stream on as it comes, unbuffered, until either side closes it (it holds this thread). */
    private static int stream(HttpExchange exchange, int status, InputStream body) throws IOException {
        exchange.sendResponseHeaders(status, 0);
        OutputStream out = exchange.getResponseBody();
        byte[] chunk = new byte[8192];
        for (int read = body.read(chunk); read >= 0; read = body.read(chunk)) {
            out.write(chunk, 0, read);
            out.flush();
        }
        return status;
    }

    /** The X-Forwarded-* headers that tell a service the public origin of the request. */
    private static Map<String, String> forwardedHeaders(HttpExchange exchange) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Forwarded-For", exchange.getRemoteAddress().getAddress().getHostAddress());
        headers.put("X-Forwarded-Proto", "http");
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host != null) {
            headers.put("X-Forwarded-Host", host);
        }
        return headers;
    }

    /** An absolute Location pointing at the service is rewritten to the gateway's origin; a relative one is kept. */
    private static String publicLocation(String location, URI upstream, HttpExchange exchange) {
        String origin = upstream.getScheme() + "://" + upstream.getRawAuthority();
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null || !location.startsWith(origin + "/")) {
            return location;
        }
        return "http://" + host + location.substring(origin.length());
    }

    /** The whole body, or null when it is larger than the gateway accepts. */
    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private static int problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        String body = "{\"type\":\"about:blank\",\"title\":" + json(title) + ",\"status\":" + status
                + ",\"detail\":" + json(detail) + ",\"instance\":" + json(exchange.getRequestURI().getRawPath()) + "}";
        return send(exchange, status, PROBLEM_JSON, body);
    }

    private static int send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        return sendBytes(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    private static int sendBytes(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean bodyless = body.length == 0 || status == 204 || status == 304
                || exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, bodyless ? -1 : body.length);
        if (!bodyless) {
            exchange.getResponseBody().write(body);
        }
        return status;
    }

    /** A JSON string literal. */
    static String json(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "gateway-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
