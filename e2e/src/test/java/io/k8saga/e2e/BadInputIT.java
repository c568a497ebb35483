package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Client mistakes get a 4xx RFC 9457 problem that names the offending field, never a 5xx, and store nothing.
 * In the bodies below {@code $ID} stands for the test's fresh customer id.
 */
@SystemTest
class BadInputIT {

    private static final String JSON = "application/json";
    private static final String LATIN_1 = "application/json; charset=ISO-8859-1";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String LONG_65 = "x".repeat(65);

    private final PublicApi api;
    private final SagaStack stack;

    BadInputIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.stack = stack;
    }

    static Stream<Arguments> badOrders() {
        return Stream.of(
                bad("malformed JSON", JSON, "{\"customerId\":\"$ID\",\"amount\":", 400, "body"),
                bad("empty body", JSON, "", 400, "body"),
                bad("JSON array instead of an object", JSON, "[]", 400, "body"),
                bad("missing customerId", JSON, "{\"amount\":10}", 400, "customerId"),
                bad("customerId with a space", JSON, "{\"customerId\":\"bad id\",\"amount\":10}", 400, "customerId"),
                bad("empty customerId", JSON, "{\"customerId\":\"\",\"amount\":10}", 400, "customerId"),
                bad("customerId of 65 characters", JSON, "{\"customerId\":\"" + LONG_65 + "\",\"amount\":10}", 400,
                        "customerId"),
                bad("customerId as a number", JSON, "{\"customerId\":42,\"amount\":10}", 400, "customerId"),
                bad("missing amount", JSON, "{\"customerId\":\"$ID\"}", 400, "amount"),
                bad("amount null", JSON, "{\"customerId\":\"$ID\",\"amount\":null}", 400, "amount"),
                bad("amount as a string", JSON, "{\"customerId\":\"$ID\",\"amount\":\"12\"}", 400, "amount"),
                bad("amount with 3 decimals", JSON, "{\"customerId\":\"$ID\",\"amount\":12.345}", 400, "amount"),
                bad("negative amount", JSON, "{\"customerId\":\"$ID\",\"amount\":-5}", 400, "amount"),
                bad("zero amount", JSON, "{\"customerId\":\"$ID\",\"amount\":0}", 400, "amount"),
                bad("amount over 1e9", JSON, "{\"customerId\":\"$ID\",\"amount\":1000000000.01}", 400, "amount"),
                bad("lower-case currency", JSON, "{\"customerId\":\"$ID\",\"amount\":10,\"currency\":\"eur\"}", 400,
                        "currency"),
                bad("4-letter currency", JSON, "{\"customerId\":\"$ID\",\"amount\":10,\"currency\":\"EURO\"}", 400,
                        "currency"),
                bad("paymentToken of 65 characters", JSON,
                        "{\"customerId\":\"$ID\",\"amount\":10,\"paymentToken\":\"" + LONG_65 + "\"}", 400, "paymentToken"),
                bad("text/plain content type", "text/plain", "{\"customerId\":\"$ID\",\"amount\":10}", 415,
                        "Content-Type"),
                bad("amount 1e308", JSON, "{\"customerId\":\"$ID\",\"amount\":1e308}", 400, "amount"),
                bad("amount as the string NaN", JSON, "{\"customerId\":\"$ID\",\"amount\":\"NaN\"}", 400, "amount"),
                bad("amount as the string Infinity", JSON, "{\"customerId\":\"$ID\",\"amount\":\"Infinity\"}", 400,
                        "amount"),
                bad("bare NaN, which is not JSON", JSON, "{\"customerId\":\"$ID\",\"amount\":NaN}", 400, "body"),
                bad("amount as an object", JSON, "{\"customerId\":\"$ID\",\"amount\":{\"value\":10}}", 400, "amount"),
                bad("currency as a number", JSON, "{\"customerId\":\"$ID\",\"amount\":10,\"currency\":978}", 400,
                        "currency"),
                bad("the same field twice", JSON, "{\"customerId\":\"$ID\",\"amount\":10,\"amount\":20}", 400, "body"),
                bad("nesting 3000 deep", JSON,
                        "{\"customerId\":\"$ID\",\"amount\":10,\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}", 400,
                        "body"),
                bad("SQL fragment in customerId", JSON, "{\"customerId\":\"x' OR '1'='1\",\"amount\":10}", 400,
                        "customerId"),
                bad("JSON null", JSON, "null", 400, "body"),
                bad("trailing garbage", JSON, "{\"customerId\":\"$ID\",\"amount\":10} xyz", 400, "body"),
                bad("body of 100 KB, over the 64 KB limit", JSON,
                        "{\"customerId\":\"$ID\",\"amount\":10,\"note\":\"" + "x".repeat(100_000) + "\"}", 413, "body"),
                bad("body of 1 MB", JSON,
                        "{\"customerId\":\"$ID\",\"amount\":10,\"note\":\"" + "x".repeat(1_000_000) + "\"}", 413, "body"),
                bad("charset ISO-8859-1", LATIN_1, "{\"customerId\":\"$ID\",\"amount\":10}", 415, "Content-Type"),
                bad("a form instead of JSON", FORM, "customerId=$ID&amount=10", 415, "Content-Type"),
                Arguments.of("Idempotency-Key of 129 characters", new BadRequest(JSON,
                        "{\"customerId\":\"$ID\",\"amount\":10}", Map.of("Idempotency-Key", "k".repeat(129)), 400,
                        "Idempotency-Key")));
    }

    static Stream<Arguments> badCustomers() {
        return Stream.of(
                bad("malformed JSON", JSON, "{\"customerId\":\"$ID\",\"name\":", 400, "body"),
                bad("missing name", JSON, "{\"customerId\":\"$ID\",\"creditLimit\":100}", 400, "name"),
                bad("empty name", JSON, "{\"customerId\":\"$ID\",\"name\":\"\",\"creditLimit\":100}", 400, "name"),
                bad("name of 201 characters", JSON,
                        "{\"customerId\":\"$ID\",\"name\":\"" + "n".repeat(201) + "\",\"creditLimit\":100}", 400, "name"),
                bad("name as a number", JSON, "{\"customerId\":\"$ID\",\"name\":7,\"creditLimit\":100}", 400, "name"),
                bad("missing creditLimit", JSON, "{\"customerId\":\"$ID\",\"name\":\"N\"}", 400, "creditLimit"),
                bad("creditLimit as a string", JSON, "{\"customerId\":\"$ID\",\"name\":\"N\",\"creditLimit\":\"100\"}",
                        400, "creditLimit"),
                bad("negative creditLimit", JSON, "{\"customerId\":\"$ID\",\"name\":\"N\",\"creditLimit\":-1}", 400,
                        "creditLimit"),
                bad("creditLimit with 3 decimals", JSON,
                        "{\"customerId\":\"$ID\",\"name\":\"N\",\"creditLimit\":10.001}", 400, "creditLimit"),
                bad("creditLimit over 1e9", JSON, "{\"customerId\":\"$ID\",\"name\":\"N\",\"creditLimit\":1000000001}",
                        400, "creditLimit"),
                bad("customerId with a slash", JSON, "{\"customerId\":\"$ID/x\",\"name\":\"N\",\"creditLimit\":1}", 400,
                        "customerId"),
                bad("customerId of 65 characters", JSON,
                        "{\"customerId\":\"" + LONG_65 + "\",\"name\":\"N\",\"creditLimit\":1}", 400, "customerId"),
                bad("customerId as a number", JSON, "{\"customerId\":7,\"name\":\"N\",\"creditLimit\":1}", 400,
                        "customerId"),
                bad("text/plain content type", "text/plain", "{\"customerId\":\"$ID\",\"name\":\"N\",\"creditLimit\":1}",
                        415, "Content-Type"),
                bad("creditLimit 1e308", JSON, "{\"customerId\":\"$ID\",\"name\":\"N\",\"creditLimit\":1e308}", 400,
                        "creditLimit"),
                bad("the same field twice", JSON,
                        "{\"customerId\":\"$ID\",\"name\":\"N\",\"name\":\"M\",\"creditLimit\":1}", 400, "body"),
                bad("script fragment in customerId", JSON,
                        "{\"customerId\":\"<script>alert(1)</script>\",\"name\":\"N\",\"creditLimit\":1}", 400, "customerId"),
                bad("body of 100 KB, over the 64 KB limit", JSON,
                        "{\"customerId\":\"$ID\",\"name\":\"" + "n".repeat(100_000) + "\",\"creditLimit\":1}", 413, "body"),
                bad("charset ISO-8859-1", LATIN_1, "{\"customerId\":\"$ID\",\"name\":\"N\",\"creditLimit\":1}", 415,
                        "Content-Type"),
                bad("a form instead of JSON", FORM, "customerId=$ID&name=N&creditLimit=1", 415, "Content-Type"));
    }

    @ParameterizedTest(name = "POST /api/orders, {0}")
    @MethodSource("badOrders")
    void refusesABadOrderAndStartsNoSaga(String name, BadRequest bad) {
        Customer customer = api.createCustomer("1000.00");

        Response response = bad.send(api, customer.customerId(), "/api/orders");

        assertProblem(response, bad);
        assertThat(api.orders(customer.customerId()).total()).as("orders stored").isZero();
        assertThat(api.customer(customer.customerId()).creditReserved()).as("credit reserved").isZero();
    }

    @ParameterizedTest(name = "POST /api/customers, {0}")
    @MethodSource("badCustomers")
    void refusesABadCustomerAndStoresNothing(String name, BadRequest bad) {
        String customerId = PublicApi.newCustomerId();

        Response response = bad.send(api, customerId, "/api/customers");

        assertProblem(response, bad);
        assertThat(api.request().get("/api/customers/{id}", customerId).statusCode()).as("customer stored")
                .isEqualTo(404);
    }

    @ParameterizedTest(name = "POST {0}")
    @ValueSource(strings = {"/api/orders", "/api/customers"})
    void refusesInvalidUtf8AndAMissingContentTypeAndStoresNothing(String path) throws Exception {
        Customer customer = api.createCustomer("1000.00");
        String newCustomerId = PublicApi.newCustomerId();
        String valid = path.equals("/api/orders")
                ? PublicApi.orderJson(customer.customerId(), "10", "tok_ok")
                : PublicApi.customerJson(newCustomerId, "Nadia", "10");
        // 0xC3 0x28: a two-byte sequence cut short, put in place of the string value's first letter.
        byte[] invalid = valid.replaceFirst("\"(tok_ok|Nadia)\"", "\"#$1\"").getBytes(StandardCharsets.UTF_8);
        int at = new String(invalid, StandardCharsets.UTF_8).indexOf('#');
        invalid[at] = (byte) 0xC3;
        invalid[at + 1] = (byte) 0x28;
        HttpClient http = HttpClient.newHttpClient();
        URI uri = api.baseUrl().resolve(path);

        HttpResponse<String> badBytes = http.send(HttpRequest.newBuilder(uri).header("Content-Type", JSON)
                .header("Authorization", api.authorization())
                .POST(HttpRequest.BodyPublishers.ofByteArray(invalid)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> noType = http.send(HttpRequest.newBuilder(uri)
                .header("Authorization", api.authorization())
                .POST(HttpRequest.BodyPublishers.ofString(valid)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(badBytes.statusCode()).as(badBytes.body()).isEqualTo(400);
        assertThat(badBytes.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        assertThat(badBytes.body()).contains("UTF-8").contains("\"field\":\"body\"");
        assertThat(noType.statusCode()).as(noType.body()).isEqualTo(415);
        assertThat(noType.body()).contains("\"field\":\"Content-Type\"");
        assertThat(api.orders(customer.customerId()).total()).as("orders stored").isZero();
        assertThat(api.request().get("/api/customers/{id}", newCustomerId).statusCode()).as("customer stored")
                .isEqualTo(404);
    }

    @ParameterizedTest(name = "GET {0}")
    @MethodSource("unknownResources")
    void answersNotFoundForAnUnknownIdOrPath(String path) {
        Response response = path.contains("{id}")
                ? api.request().get(path, PublicApi.newCustomerId())
                : api.request().get(path);

        assertThat(response.statusCode()).as("%s: %s", path, response.asString()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.jsonPath().getInt("status")).isEqualTo(404);
        assertThat(response.jsonPath().getString("detail")).isNotBlank();
    }

    static Stream<String> unknownResources() {
        return Stream.of("/api/orders/{id}", "/api/customers/{id}", "/api/orders/{id}/items", "/api/payments/{id}/x",
                "/api/orders/{id}/x/y");
    }

    /**
     * A path outside the API (and the paths no edge may expose: the participants' callbacks, Quarkus's own) reaches no
     * service and stores nothing, even with a body a service would act on. The local gateway answers it with a
     * problem; an edge (a cluster's ingress controller, or the nginx of .ci/run's edge pass) answers it itself, in its
     * own format.
     */
    @ParameterizedTest(name = "POST {0}")
    // The dashboard is / exactly: its file's own name, or anything below /, is outside.
    @ValueSource(strings = {"/nope", "/api", "/api/ordersX", "/lra-participant/complete", "/q/metrics", "/index.html"})
    void answersNotFoundForAPathOutsideTheApiAndStoresNothing(String path) {
        String customerId = PublicApi.newCustomerId();
        Response response = api.request().contentType(JSON)
                .body(PublicApi.customerJson(customerId, "N", "10").replace("}", ",\"amount\":10}"))
                .post(path);

        assertThat(api.request().get("/api/customers/{id}", customerId).statusCode()).as("customer stored")
                .isEqualTo(404);
        assertThat(api.orders(customerId).total()).as("orders stored").isZero();
        if (stack.behindEdge()) {
            assertThat(response.statusCode()).as("%s: %s", path, response.asString()).isEqualTo(404);
            // Every service answers with a problem; anything else came from the edge.
            assertThat(response.contentType()).as("answered by the edge, not a service")
                    .doesNotStartWith("application/problem+json");
            return;
        }
        assertThat(response.statusCode()).as("%s: %s", path, response.asString()).isEqualTo(404);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.jsonPath().getInt("status")).isEqualTo(404);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("wrongMethods")
    void answersMethodNotAllowedWithTheAllowedOnesAndStoresNothing(String method, String path, String allowed) {
        String customerId = PublicApi.newCustomerId();
        // A body any POST of the API would act on, so that a wrongly routed request would leave a trace.
        RequestSpecification request = api.request().contentType(JSON)
                .body(PublicApi.customerJson(customerId, "N", "10").replace("}", ",\"amount\":10}"));
        Response response = path.contains("{id}")
                ? request.request(method, path, customerId)
                : request.request(method, path);

        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.asString()).isEqualTo(405);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.jsonPath().getInt("status")).isEqualTo(405);
        assertThat(response.header("Allow")).contains(allowed);
        assertThat(api.request().get("/api/customers/{id}", customerId).statusCode()).as("customer stored")
                .isEqualTo(404);
        assertThat(api.orders(customerId).total()).as("orders stored").isZero();
    }

    static Stream<Arguments> wrongMethods() {
        return Stream.of(
                Arguments.of("DELETE", "/api/orders", "POST"),
                Arguments.of("PUT", "/api/orders/{id}", "GET"),
                Arguments.of("DELETE", "/api/customers/{id}", "GET"),
                Arguments.of("PUT", "/api/customers/{id}", "GET"),
                Arguments.of("PATCH", "/api/orders", "POST"),
                Arguments.of("POST", "/api/payments", "GET"));
    }

    private static void assertProblem(Response response, BadRequest bad) {
        assertThat(response.statusCode()).as("status; body %s", response.asString()).isEqualTo(bad.status());
        assertThat(response.contentType()).as("content type").startsWith("application/problem+json");
        JsonPath problem = response.jsonPath();
        assertThat(problem.getInt("status")).as("problem status").isEqualTo(bad.status());
        assertThat(problem.getString("title")).as("problem title").isNotBlank();
        String field = problem.getString("field");
        String detail = String.valueOf(problem.getString("detail"));
        assertThat(bad.field().equals(field)
                || detail.toLowerCase(Locale.ROOT).contains(bad.field().toLowerCase(Locale.ROOT)))
                .as("problem names %s: field=%s detail=%s", bad.field(), field, detail)
                .isTrue();
    }

    private static Arguments bad(String name, String contentType, String body, int status, String field) {
        return Arguments.of(name, new BadRequest(contentType, body, Map.of(), status, field));
    }

    /** A request body ($ID = the test's customer id), extra headers, and the status and field the problem must show. */
    record BadRequest(String contentType, String body, Map<String, String> headers, int status, String field) {

        Response send(PublicApi api, String customerId, String path) {
            RequestSpecification request = api.request().contentType(contentType).headers(headers)
                    .body(body.replace("$ID", customerId));
            return request.post(path);
        }

        @Override
        public String toString() {
            return status + " " + field;
        }
    }
}
