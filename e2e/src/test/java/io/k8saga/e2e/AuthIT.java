package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import io.k8saga.testkit.ApiTokens;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who may do what on the public API: one row per caller, method and endpoint, with the status it must get; every
 * refusal is problem+json (a 401 with WWW-Authenticate) and stores nothing. Customers A and B each have an order;
 * a customer reaches only its own records (another customer's order is a 404, so order ids leak nothing; naming
 * another customer is a 403).
 */
@SystemTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthIT {

    /** Who sends a row's request: each is one way of presenting (or not) a bearer token. */
    enum Caller {
        NOBODY, ADMIN, CUSTOMER_A, CUSTOMER_B, EXPIRED, OTHER_ISSUER, OTHER_AUDIENCE, OTHER_KEY, ALG_NONE, NO_ROLE,
        CUSTOMER_WITHOUT_ID, NOT_A_JWT, BASIC
    }

    /** One request and the status it must be answered with; {A}, {B}, {OA}, {OB}, {NEW} are filled in. */
    record Row(Caller caller, String method, String path, String body, int status) {

        @Override
        public String toString() {
            return caller + " " + method + " " + path + " -> " + status;
        }
    }

    private static final String NEW_CUSTOMER = "{\"customerId\":\"{NEW}\",\"name\":\"Mallory\",\"creditLimit\":1000000}";
    private static final String ORDER_FOR_A = "{\"customerId\":\"{A}\",\"amount\":10.00}";
    private static final String ORDER_FOR_B = "{\"customerId\":\"{B}\",\"amount\":10.00}";

    private final PublicApi api;
    private final SagaStack stack;
    private Customer customerA;
    private Customer customerB;
    private Order orderA;
    private Order orderB;

    AuthIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.stack = stack;
    }

    @BeforeAll
    void twoCustomersWithAnEndedOrderEach() {
        customerA = api.createCustomer("1000.00");
        customerB = api.createCustomer("1000.00");
        orderA = api.awaitFinal(api.placeOrder(customerA.customerId(), "25.00", "tok_ok").orderId(), stack.settle());
        orderB = api.awaitFinal(api.placeOrder(customerB.customerId(), "30.00", "tok_ok").orderId(), stack.settle());
        assertThat(List.of(orderA.status(), orderB.status())).containsOnly(Order.APPROVED);
    }

    static Stream<Row> rows() {
        return Stream.of(
                // No token, or one that is not valid here: 401, whatever the endpoint.
                new Row(Caller.NOBODY, "POST", "/api/customers", NEW_CUSTOMER, 401),
                new Row(Caller.NOBODY, "GET", "/api/customers/{A}", null, 401),
                new Row(Caller.NOBODY, "POST", "/api/orders", ORDER_FOR_A, 401),
                new Row(Caller.NOBODY, "GET", "/api/orders", null, 401),
                new Row(Caller.NOBODY, "GET", "/api/orders/{OA}", null, 401),
                new Row(Caller.NOBODY, "GET", "/api/payments?orderId={OA}", null, 401),
                new Row(Caller.EXPIRED, "GET", "/api/orders/{OA}", null, 401),
                new Row(Caller.EXPIRED, "POST", "/api/orders", ORDER_FOR_A, 401),
                new Row(Caller.OTHER_ISSUER, "GET", "/api/orders", null, 401),
                new Row(Caller.OTHER_ISSUER, "POST", "/api/customers", NEW_CUSTOMER, 401),
                new Row(Caller.OTHER_AUDIENCE, "GET", "/api/customers/{A}", null, 401),
                new Row(Caller.OTHER_KEY, "POST", "/api/customers", NEW_CUSTOMER, 401),
                new Row(Caller.OTHER_KEY, "GET", "/api/orders/{OA}", null, 401),
                new Row(Caller.ALG_NONE, "POST", "/api/customers", NEW_CUSTOMER, 401),
                new Row(Caller.ALG_NONE, "GET", "/api/orders", null, 401),
                new Row(Caller.NOT_A_JWT, "GET", "/api/orders", null, 401),
                new Row(Caller.BASIC, "GET", "/api/orders", null, 401),
                // A valid token without a role of this API: 403.
                new Row(Caller.NO_ROLE, "GET", "/api/orders", null, 403),
                new Row(Caller.CUSTOMER_WITHOUT_ID, "GET", "/api/orders", null, 403),
                new Row(Caller.NO_ROLE, "POST", "/api/orders", ORDER_FOR_A, 403),
                // A customer: its own records, nothing of anyone else's, no administration.
                new Row(Caller.CUSTOMER_A, "POST", "/api/customers", NEW_CUSTOMER, 403),
                new Row(Caller.CUSTOMER_A, "GET", "/api/customers/{A}", null, 200),
                new Row(Caller.CUSTOMER_A, "GET", "/api/customers/{A}/reservations", null, 200),
                new Row(Caller.CUSTOMER_A, "GET", "/api/customers/{B}", null, 403),
                new Row(Caller.CUSTOMER_A, "GET", "/api/customers/{B}/reservations", null, 403),
                new Row(Caller.CUSTOMER_A, "POST", "/api/orders", ORDER_FOR_A, 202),
                new Row(Caller.CUSTOMER_A, "POST", "/api/orders", "{\"amount\":10.00}", 202),
                new Row(Caller.CUSTOMER_A, "POST", "/api/orders", ORDER_FOR_B, 403),
                new Row(Caller.CUSTOMER_A, "GET", "/api/orders/{OA}", null, 200),
                new Row(Caller.CUSTOMER_A, "GET", "/api/orders/{OB}", null, 404),
                new Row(Caller.CUSTOMER_B, "GET", "/api/orders/{OA}", null, 404),
                new Row(Caller.CUSTOMER_A, "GET", "/api/orders?customerId={B}", null, 403),
                new Row(Caller.CUSTOMER_A, "GET", "/api/payments?orderId={OA}", null, 200),
                // An administrator: everything.
                new Row(Caller.ADMIN, "POST", "/api/customers", NEW_CUSTOMER, 201),
                new Row(Caller.ADMIN, "GET", "/api/customers/{B}", null, 200),
                new Row(Caller.ADMIN, "GET", "/api/orders/{OB}", null, 200),
                new Row(Caller.ADMIN, "GET", "/api/orders?customerId={B}", null, 200),
                new Row(Caller.ADMIN, "POST", "/api/orders", ORDER_FOR_B, 202),
                new Row(Caller.ADMIN, "GET", "/api/payments?orderId={OB}", null, 200));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachCallerGetsWhatItMayAndNothingElse(Row row) {
        String newCustomer = "auth-" + UUID.randomUUID();
        Function<String, String> fill = text -> text == null ? null : text
                .replace("{A}", customerA.customerId()).replace("{B}", customerB.customerId())
                .replace("{OA}", orderA.orderId()).replace("{OB}", orderB.orderId()).replace("{NEW}", newCustomer);
        long ordersBefore = api.orders(customerA.customerId()).total() + api.orders(customerB.customerId()).total();

        RequestSpecification request = as(row.caller());
        if (row.body() != null) {
            request.contentType("application/json").body(fill.apply(row.body()));
        }
        Response response = request.request(row.method(), fill.apply(row.path()));

        assertThat(response.statusCode()).as("%s: %s", row, response.asString()).isEqualTo(row.status());
        if (row.status() >= 400) {
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(response.jsonPath().getInt("status")).isEqualTo(row.status());
            assertThat(response.jsonPath().getString("detail")).isNotBlank();
            long ordersAfter = api.orders(customerA.customerId()).total()
                    + api.orders(customerB.customerId()).total();
            assertThat(ordersAfter).as("orders stored by a refused request").isEqualTo(ordersBefore);
            assertThat(api.request().get("/api/customers/" + newCustomer).statusCode())
                    .as("customer stored by a refused request").isEqualTo(404);
        }
        if (row.status() == 401) {
            assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
            assertThat(response.jsonPath().getString("field")).isEqualTo("Authorization");
        }
    }

    @Test
    void aCustomerSeesOnlyItsOwnOrdersAndPaymentsAndNoSagaIds() {
        Response list = as(Caller.CUSTOMER_A).get("/api/orders");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.jsonPath().getList("items.customerId", String.class))
                .isNotEmpty().containsOnly(customerA.customerId());
        assertThat(list.jsonPath().getList("items.sagaId")).containsOnlyNulls();

        Response own = as(Caller.CUSTOMER_A).get("/api/orders/" + orderA.orderId());
        assertThat(own.jsonPath().getString("status")).isEqualTo(Order.APPROVED);
        assertThat(own.jsonPath().getMap("$")).doesNotContainKey("sagaId");
        assertThat(api.request().get("/api/orders/" + orderA.orderId()).jsonPath().getString("sagaId"))
                .as("an administrator sees the saga id").isNotBlank();

        assertThat(as(Caller.CUSTOMER_A).get("/api/payments?orderId=" + orderA.orderId()).jsonPath()
                .getList("orderId", String.class)).containsExactly(orderA.orderId());
        assertThat(as(Caller.CUSTOMER_A).get("/api/payments?orderId=" + orderB.orderId()).jsonPath()
                .getList("$")).as("another customer's payments").isEmpty();
    }

    @Test
    void anIdempotencyKeyBelongsToItsCaller() {
        String key = "shared-" + UUID.randomUUID();
        String orderForA = "{\"customerId\":\"" + customerA.customerId() + "\",\"amount\":11.00}";
        String byAdmin = place(as(Caller.ADMIN), key, orderForA, 202);
        String byCustomer = place(as(Caller.CUSTOMER_A), key, orderForA, 202);
        assertThat(byCustomer).as("the same key from another caller is another request").isNotEqualTo(byAdmin);

        assertThat(place(as(Caller.CUSTOMER_A), key, orderForA, 200)).as("a replay by the same caller")
                .isEqualTo(byCustomer);
        assertThat(place(as(Caller.ADMIN), key, orderForA, 200)).isEqualTo(byAdmin);
        // Customer B cannot learn A's order by guessing A's key: its own request under that key is its own order.
        String orderForB = "{\"customerId\":\"" + customerB.customerId() + "\",\"amount\":11.00}";
        assertThat(place(as(Caller.CUSTOMER_B), key, orderForB, 202)).isNotIn(byAdmin, byCustomer);
    }

    @Test
    void theOperatorsEndpointNeedsAnAdministrator() {
        assumeTrue(stack.local().isPresent(), "/admin is never routed publicly; only the local stack exposes it");
        String stuck = stack.local().get().serviceUrl("order-route") + "/admin/sagas/stuck";
        assertThat(api.anonymous().get(stuck).statusCode()).isEqualTo(401);
        assertThat(as(Caller.CUSTOMER_A).get(stuck).statusCode()).isEqualTo(403);
        // Admitted: the list, or 503 while a coordinator shard another test stopped is not answering again yet.
        Response admin = as(Caller.ADMIN).get(stuck);
        assertThat(admin.statusCode()).as(admin.asString()).isIn(200, 503);
        assertThat(admin.header("WWW-Authenticate")).isNull();
        assertThat(api.anonymous().get(api.baseUrl().resolve("/admin/sagas/stuck")).statusCode())
                .as("the public entry point does not route /admin").isEqualTo(404);
    }

    private String place(RequestSpecification request, String key, String body, int status) {
        Response response = request.header("Idempotency-Key", key).contentType("application/json").body(body)
                .post("/api/orders");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        return response.jsonPath().getString("orderId");
    }

    private RequestSpecification as(Caller caller) {
        ApiTokens tokens = api.tokens();
        String customerA = this.customerA.customerId();
        long now = Instant.now().getEpochSecond();
        String token = switch (caller) {
            case NOBODY -> null;
            case ADMIN -> tokens.admin();
            case CUSTOMER_A -> tokens.customer(customerA);
            case CUSTOMER_B -> tokens.customer(customerB.customerId());
            case EXPIRED -> tokens.sign(with(tokens.claims("admin-test", List.of("admin")),
                    Map.of("iat", now - 7200, "exp", now - 3600)));
            case OTHER_ISSUER -> tokens.sign(with(tokens.claims("admin-test", List.of("admin")),
                    Map.of("iss", "https://attacker.example")));
            case OTHER_AUDIENCE -> tokens.sign(with(tokens.claims("admin-test", List.of("admin")),
                    Map.of("aud", "another-api")));
            case OTHER_KEY -> ApiTokens.signWith(ApiTokens.strangerKey(), tokens.claims("admin-test", List.of("admin")));
            case ALG_NONE -> ApiTokens.unsigned(tokens.claims("admin-test", List.of("admin")));
            case NO_ROLE -> tokens.sign(tokens.claims("nobody", List.of("reader")));
            case CUSTOMER_WITHOUT_ID -> tokens.sign(tokens.claims("customer:" + customerA, List.of("customer")));
            case NOT_A_JWT -> "not-a-jwt";
            case BASIC -> null;
        };
        RequestSpecification request = api.anonymous();
        if (caller == Caller.BASIC) {
            return request.header("Authorization", "Basic YWRtaW46YWRtaW4=");
        }
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private static Map<String, Object> with(Map<String, Object> claims, Map<String, Object> changes) {
        claims.putAll(changes);
        return claims;
    }
}
