package io.k8saga.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.testkit.ApiTokens;
import io.restassured.RestAssured;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.JsonConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.path.json.JsonPath;
import io.restassured.path.json.config.JsonPathConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;

/**
 * A client of the public API, the only thing system tests talk to. Bodies are written as JSON text so tests control
 * every byte (number formats, wrong types, malformed documents).
 */
public final class PublicApi {

    private static final JsonPathConfig JSON_NUMBERS =
            JsonPathConfig.jsonPathConfig().numberReturnType(JsonPathConfig.NumberReturnType.BIG_DECIMAL);
    private static final RestAssuredConfig CONFIG = RestAssuredConfig.config()
            .jsonConfig(JsonConfig.jsonConfig().numberReturnType(JsonPathConfig.NumberReturnType.BIG_DECIMAL))
            .httpClient(HttpClientConfig.httpClientConfig()
                    .setParam("http.connection.timeout", 5_000)
                    .setParam("http.socket.timeout", 30_000));

    private final URI baseUrl;
    private final ApiTokens tokens;
    private final String adminToken;

    /** A client that sends an administrator's bearer token with every request. */
    public PublicApi(URI baseUrl, ApiTokens tokens) {
        this.baseUrl = baseUrl;
        this.tokens = tokens;
        this.adminToken = tokens.admin();
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /** Tokens the application under test accepts, for tests that act as a customer or forge one. */
    public ApiTokens tokens() {
        return tokens;
    }

    /** An administrator's bearer token, for tests with a client of their own. */
    public String adminToken() {
        return adminToken;
    }

    /** The {@code Authorization} header value of an administrator, for tests with an HTTP client of their own. */
    public String authorization() {
        return "Bearer " + adminToken;
    }

    /** A request to the public API as an administrator, for tests that send something unusual. */
    public RequestSpecification request() {
        return anonymous().header("Authorization", authorization());
    }

    /** A request to the public API without any token. */
    public RequestSpecification anonymous() {
        return RestAssured.given().baseUri(baseUrl.toString()).config(CONFIG);
    }

    /** A customer id no test has used yet, so every test has its own customers and orders. */
    public static String newCustomerId() {
        return "e2e-" + UUID.randomUUID();
    }

    public static String customerJson(String customerId, String name, String creditLimit) {
        return "{\"customerId\":\"" + customerId + "\",\"name\":\"" + name + "\",\"creditLimit\":" + creditLimit + "}";
    }

    public static String orderJson(String customerId, String amount, String paymentToken) {
        return "{\"customerId\":\"" + customerId + "\",\"amount\":" + amount + ",\"currency\":\"EUR\",\"paymentToken\":\""
                + paymentToken + "\"}";
    }

    /** Creates a customer with a fresh id and the given credit limit; checks the 201 answer. */
    public Customer createCustomer(String creditLimit) {
        String id = newCustomerId();
        Response response = request().contentType("application/json")
                .body(customerJson(id, "E2E customer", creditLimit))
                .post("/api/customers");
        assertThat(response.statusCode()).as("POST /api/customers: %s", response.asString()).isEqualTo(201);
        assertThat(response.header("Location")).endsWith("/api/customers/" + id);
        Customer customer = Customer.from(response.jsonPath(JSON_NUMBERS));
        assertThat(customer.creditReserved()).isZero();
        return customer;
    }

    public Customer customer(String customerId) {
        Response response = request().get("/api/customers/{id}", customerId);
        assertThat(response.statusCode()).as("GET /api/customers/%s: %s", customerId, response.asString())
                .isEqualTo(200);
        return Customer.from(response.jsonPath(JSON_NUMBERS));
    }

    public Response postOrder(String body, String idempotencyKey) {
        RequestSpecification request = request().contentType("application/json").body(body);
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return request.post("/api/orders");
    }

    /** Places an order and checks the 202 answer: Location of the new order, status PENDING. */
    public Order placeOrder(String customerId, String amount, String paymentToken) {
        return accepted(postOrder(orderJson(customerId, amount, paymentToken), null));
    }

    /** Checks a 202 answer to POST /api/orders and returns the order it describes. */
    public static Order accepted(Response response) {
        assertThat(response.statusCode()).as("POST /api/orders: %s", response.asString()).isEqualTo(202);
        Order order = Order.from(response.jsonPath(JSON_NUMBERS), "");
        assertThat(order.status()).isEqualTo(Order.PENDING);
        assertThat(response.header("Location")).endsWith("/api/orders/" + order.orderId());
        return order;
    }

    public Order order(String orderId) {
        Response response = request().get("/api/orders/{id}", orderId);
        assertThat(response.statusCode()).as("GET /api/orders/%s: %s", orderId, response.asString()).isEqualTo(200);
        return Order.from(response.jsonPath(JSON_NUMBERS), "");
    }

    /** The orders of one customer (up to 200) and the total count the API reports. */
    public Orders orders(String customerId) {
        Response response = request().queryParam("customerId", customerId).queryParam("size", 200).get("/api/orders");
        assertThat(response.statusCode()).as("GET /api/orders?customerId=%s: %s", customerId, response.asString())
                .isEqualTo(200);
        JsonPath json = response.jsonPath(JSON_NUMBERS);
        List<Order> items = IntStream.range(0, json.getList("items").size())
                .mapToObj(i -> Order.from(json, "items[" + i + "]"))
                .toList();
        return new Orders(json.getInt("total"), items);
    }

    public List<Payment> payments(String orderId) {
        Response response = request().queryParam("orderId", orderId).get("/api/payments");
        assertThat(response.statusCode()).as("GET /api/payments?orderId=%s: %s", orderId, response.asString())
                .isEqualTo(200);
        JsonPath json = response.jsonPath(JSON_NUMBERS);
        return IntStream.range(0, json.getList("$").size())
                .mapToObj(i -> Payment.from(json, "[" + i + "]"))
                .toList();
    }

    public Timeline timeline(String orderId) {
        Response response = request().get("/api/orders/{id}/timeline", orderId);
        assertThat(response.statusCode()).as("GET /api/orders/%s/timeline: %s", orderId, response.asString())
                .isEqualTo(200);
        return Timeline.from(response.jsonPath());
    }

    /** Polls the order until it leaves PENDING, failing after the deadline; returns the final order. */
    public Order awaitFinal(String orderId, Duration atMost) {
        return Awaitility.await("order " + orderId + " to leave PENDING")
                .atMost(atMost)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> order(orderId), Order::isFinal);
    }

    /** A JSON number as a BigDecimal, whatever type the JSON parser chose for it. */
    static BigDecimal money(JsonPath json, String path) {
        Object value = json.get(path);
        return value == null ? null : new BigDecimal(value.toString());
    }

    /** One page of GET /api/orders. */
    public record Orders(int total, List<Order> items) {
    }
}
