package io.k8saga.e2e.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway in front of two tiny JDK upstreams (orders, customers) and one that is down (payments). */
class LocalGatewayTest {

    /** The one token the upstreams' /secured resource accepts. */
    private static final String GOOD_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl";

    private final HttpClient client = HttpClient.newHttpClient();
    private HttpServer orders;
    private HttpServer customers;
    private LocalGateway gateway;

    @BeforeEach
    void start() throws IOException {
        orders = upstream("orders");
        customers = upstream("customers");
        gateway = LocalGateway.start(0, Map.of(
                "/api/orders", baseUrl(orders),
                "/api/customers", baseUrl(customers),
                "/api/payments", URI.create("http://localhost:" + closedPort())));
    }

    @AfterEach
    void stop() {
        gateway.close();
        orders.stop(0);
        customers.stop(0);
    }

    @Test
    void forwardsMethodPathQueryBodyAndApiHeaders() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(gatewayUri("/api/orders?customerId=c%201&size=5"))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "key-1")
                .header("X-Internal", "dropped")
                .POST(HttpRequest.BodyPublishers.ofString("{\"amount\":12.50}")));

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(response.body()).isEqualTo("""
                upstream=orders
                method=POST
                uri=/api/orders?customerId=c%201&size=5
                content-type=application/json
                idempotency-key=key-1
                x-internal=null
                x-forwarded-proto=http
                body={"amount":12.50}""");
    }

    @Test
    void forwardsTheBearerToken() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(gatewayUri("/api/orders/secured"))
                .header("Authorization", "Bearer " + GOOD_TOKEN).GET());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("authorization=Bearer " + GOOD_TOKEN);
    }

    @Test
    void passesTheServicesBearerChallengeBackWithItsUnauthorized() throws Exception {
        HttpResponse<String> missing = get("/api/customers/secured");
        HttpResponse<String> wrong = send(HttpRequest.newBuilder(gatewayUri("/api/customers/secured"))
                .header("Authorization", "Bearer forged").GET());

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().allValues("WWW-Authenticate")).containsExactly("Bearer");
        assertThat(missing.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(missing.body()).contains("\"status\":401");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().allValues("WWW-Authenticate")).containsExactly("Bearer error=\"invalid_token\"");
    }

    @Test
    void routesEachPrefixToItsService() throws Exception {
        assertThat(get("/api/customers/c-1").body()).startsWith("upstream=customers\nmethod=GET\nuri=/api/customers/c-1\n");
        assertThat(get("/api/orders").body()).startsWith("upstream=orders\n");
    }

    @Test
    void passesStatusAndRelativeLocationBackUnchanged() throws Exception {
        HttpResponse<String> response = get("/api/customers/status/201");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.headers().firstValue("Location")).hasValue("/api/customers/abc");
    }

    @Test
    void rewritesAnAbsoluteLocationToTheGatewayOrigin() throws Exception {
        HttpResponse<String> response = get("/api/orders/absolute-location");

        assertThat(response.headers().firstValue("Location"))
                .hasValue("http://localhost:" + gateway.port() + "/api/orders/o-1");
    }

    @Test
    void answersUnknownPathsWithProblemDetails() throws Exception {
        for (String path : new String[] {"/", "/api/ordersX", "/api", "/q/health", "/api/orders/../../q/health"}) {
            HttpResponse<String> response = get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("application/problem+json");
            assertThat(response.body()).as(path)
                    .contains("\"type\":\"about:blank\"", "\"title\":\"Not Found\"", "\"status\":404", "\"detail\":");
        }
    }

    @Test
    void answersBadGatewayWhenTheServiceIsDown() throws Exception {
        HttpResponse<String> response = get("/api/payments?orderId=o-1");

        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains("\"status\":502", "\"title\":\"Bad Gateway\"", "unreachable");
    }

    @Test
    void reportsItsOwnHealth() throws Exception {
        HttpResponse<String> response = get("/gateway/health");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void escapesJsonStrings() {
        assertThat(LocalGateway.json("a\"b\\c\n\u0001")).isEqualTo("\"a\\\"b\\\\c\\n\\u0001\"");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return send(HttpRequest.newBuilder(gatewayUri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI gatewayUri(String path) {
        return URI.create("http://localhost:" + gateway.port() + path);
    }

    /**
     * An upstream that echoes what it received, or answers /status/{code}, /absolute-location and /secured (only
     * with GOOD_TOKEN; 401 with a bearer challenge otherwise) specially.
     */
    private static HttpServer upstream(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (path.contains("/status/")) {
                    exchange.getResponseHeaders().add("Location", "/api/customers/abc");
                    exchange.sendResponseHeaders(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)), -1);
                    return;
                }
                if (path.endsWith("/absolute-location")) {
                    exchange.getResponseHeaders().add("Location",
                            "http://localhost:" + exchange.getLocalAddress().getPort() + "/api/orders/o-1");
                    exchange.sendResponseHeaders(202, -1);
                    return;
                }
                if (path.endsWith("/secured")) {
                    secured(exchange);
                    return;
                }
                byte[] body = echo(name, exchange).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
                exchange.sendResponseHeaders(exchange.getRequestMethod().equals("POST") ? 202 : 200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        return server;
    }

    /** Answers the way the routes' bearer token check does: 401 and a challenge, or the resource. */
    private static void secured(HttpExchange exchange) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (("Bearer " + GOOD_TOKEN).equals(authorization)) {
            byte[] body = ("authorization=" + authorization).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            return;
        }
        exchange.getResponseHeaders().add("WWW-Authenticate",
                authorization == null ? "Bearer" : "Bearer error=\"invalid_token\"");
        exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
        byte[] body = "{\"title\":\"Unauthorized\",\"status\":401}".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(401, body.length);
        exchange.getResponseBody().write(body);
    }

    private static String echo(String name, HttpExchange exchange) throws IOException {
        return "upstream=" + name
                + "\nmethod=" + exchange.getRequestMethod()
                + "\nuri=" + exchange.getRequestURI()
                + "\ncontent-type=" + exchange.getRequestHeaders().getFirst("Content-Type")
                + "\nidempotency-key=" + exchange.getRequestHeaders().getFirst("Idempotency-Key")
                + "\nx-internal=" + exchange.getRequestHeaders().getFirst("X-Internal")
                + "\nx-forwarded-proto=" + exchange.getRequestHeaders().getFirst("X-Forwarded-Proto")
                + "\nbody=" + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static URI baseUrl(HttpServer server) {
        return URI.create("http://localhost:" + server.getAddress().getPort());
    }

    /** A port nothing listens on: bound once to get a free number, then released. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
