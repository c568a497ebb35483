package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.Order;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml against the running services: for every status the document lists for an operation (but 503, a
 * busy or cut-off service, covered by OverloadIT and CoordinatorDownIT) there is a request here that gets exactly that
 * status, every error is a problem, and an operation or status without such a probe fails the test, so the document
 * cannot promise what the services do not answer. On the local stack each service serves its part at /q/openapi, and
 * the parts make up the document exactly.
 */
@SystemTest
class OpenApiIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String PROBLEM = "application/problem+json";
    /**
     * Statuses the document lists that no plain request provokes: 503 comes from a busy or cut-off service
     * (admission control, the coordinator or the database down), which OverloadIT and CoordinatorDownIT cover.
     */
    private static final Set<Integer> UNPROVOKED = Set.of(503);
    /**
     * Statuses checked by another test: a list stream's 200 never ends, so OrderEventsIT reads it event by event; the
     * stuck sagas' 200 needs every coordinator to answer its recovery list, which a coordinator still in its first
     * recovery scan (the chart's settings) does not, so order-route's StuckSagasRouteTest checks it.
     */
    private static final Map<String, Set<Integer>> ELSEWHERE = Map.of("streamOrders", Set.of(200),
            "listStuckSagas", Set.of(200));
    private static final Duration SETTLE = Duration.ofSeconds(30);
    private static final Duration BUSY_FOR = Duration.ofSeconds(30);

    private final PublicApi api;
    private final SagaStack stack;
    private final JsonNode document;

    OpenApiIT(PublicApi api, SagaStack stack) throws IOException {
        this.api = api;
        this.stack = stack;
        Path root = Path.of(System.getProperty("e2e.repoRoot", ".."));
        this.document = YAML.readTree(root.resolve("docs/openapi.yaml").toFile());
    }

    /** One documented operation: its method, path template and the statuses it lists. */
    private record Operation(String method, String path, String id, JsonNode responses, String service) {
        boolean lists(int status) {
            return responses.has(String.valueOf(status));
        }

        TreeSet<Integer> statuses() {
            TreeSet<Integer> statuses = new TreeSet<>();
            responses.fieldNames().forEachRemaining(status -> statuses.add(Integer.parseInt(status)));
            statuses.removeAll(UNPROVOKED);
            return statuses;
        }
    }

    @Test
    void everyStatusOfEveryOperationIsAnsweredAsTheDocumentSays() {
        Customer customer = api.createCustomer("1000.00");
        Customer other = api.createCustomer("1000.00");
        Order order = api.placeOrder(customer.customerId(), "10.00", "tok_ok");
        String own = customer.customerId();
        String orderJson = PublicApi.orderJson(own, "5.00", "tok_ok");
        String oversized = "{\"name\":\"" + "x".repeat(200_000) + "\"}";
        // For each operation (by operationId), a request that must get each status the document lists for it.
        Map<String, Map<Integer, Supplier<Response>>> probes = new HashMap<>(Map.of(
                "placeOrder", Map.of(
                        202, () -> json(admin(), orderJson).post("/api/orders"),
                        200, () -> twiceUnderOneKey(orderJson, orderJson),
                        422, () -> twiceUnderOneKey(orderJson, PublicApi.orderJson(own, "6.00", "tok_ok")),
                        400, () -> json(admin(), "{}").post("/api/orders"),
                        401, () -> json(api.anonymous(), orderJson).post("/api/orders"),
                        403, () -> json(as(other), orderJson).post("/api/orders"),
                        413, () -> json(admin(), oversized).post("/api/orders"),
                        415, () -> admin().contentType("text/plain").body("x").post("/api/orders")),
                "listOrders", Map.of(
                        200, () -> admin().queryParam("customerId", own).get("/api/orders"),
                        400, () -> admin().queryParam("size", 0).get("/api/orders"),
                        401, () -> api.anonymous().get("/api/orders"),
                        403, () -> as(other).queryParam("customerId", own).get("/api/orders")),
                "streamOrders", Map.of(
                        400, () -> admin().header("Last-Event-ID", "x").get("/api/orders/events"),
                        401, () -> api.anonymous().get("/api/orders/events"),
                        403, () -> as(other).queryParam("customerId", own).get("/api/orders/events")),
                "streamOrder", Map.of(
                        // A final order's stream ends after its changes, so a plain GET can read it whole.
                        200, () -> admin().get("/api/orders/{id}/events", api.awaitFinal(order.orderId(), SETTLE)
                                .orderId()),
                        400, () -> admin().header("Last-Event-ID", "x").get("/api/orders/{id}/events", order.orderId()),
                        401, () -> api.anonymous().get("/api/orders/{id}/events", order.orderId()),
                        404, () -> admin().get("/api/orders/{id}/events", PublicApi.newCustomerId())),
                "getOrder", Map.of(
                        200, () -> admin().get("/api/orders/{id}", order.orderId()),
                        401, () -> api.anonymous().get("/api/orders/{id}", order.orderId()),
                        404, () -> admin().get("/api/orders/{id}", PublicApi.newCustomerId())),
                "listStuckSagas", Map.of(
                        401, () -> atOrderRoute(api.anonymous()).get("/admin/sagas/stuck"),
                        403, () -> atOrderRoute(as(own)).get("/admin/sagas/stuck")),
                "registerCustomer", Map.of(
                        201, () -> json(admin(), PublicApi.customerJson(PublicApi.newCustomerId(), "N", "10"))
                                .post("/api/customers"),
                        400, () -> json(admin(), "{}").post("/api/customers"),
                        401, () -> json(api.anonymous(), "{}").post("/api/customers"),
                        403, () -> json(as(own), PublicApi.customerJson(PublicApi.newCustomerId(), "N", "10"))
                                .post("/api/customers"),
                        409, () -> json(admin(), PublicApi.customerJson(own, "N", "10")).post("/api/customers"),
                        413, () -> json(admin(), oversized).post("/api/customers"),
                        415, () -> admin().contentType("text/plain").body("x").post("/api/customers")),
                "getCustomer", Map.of(
                        200, () -> admin().get("/api/customers/{id}", own),
                        401, () -> api.anonymous().get("/api/customers/{id}", own),
                        403, () -> as(other).get("/api/customers/{id}", own),
                        404, () -> admin().get("/api/customers/{id}", PublicApi.newCustomerId())),
                "listReservations", Map.of(
                        200, () -> admin().get("/api/customers/{id}/reservations", own),
                        400, () -> admin().queryParam("orderId", "not an id").get("/api/customers/{id}/reservations",
                                own),
                        401, () -> api.anonymous().get("/api/customers/{id}/reservations", own),
                        403, () -> as(other).get("/api/customers/{id}/reservations", own),
                        404, () -> admin().get("/api/customers/{id}/reservations", PublicApi.newCustomerId())),
                "findPayments", Map.of(
                        200, () -> admin().queryParam("orderId", order.orderId()).get("/api/payments"),
                        400, () -> admin().get("/api/payments"),
                        401, () -> api.anonymous().queryParam("orderId", order.orderId()).get("/api/payments"))));
        probes.put("getOrderTimeline", Map.of(
                200, () -> admin().get("/api/orders/{id}/timeline", order.orderId()),
                401, () -> api.anonymous().get("/api/orders/{id}/timeline", order.orderId()),
                404, () -> as(other).get("/api/orders/{id}/timeline", order.orderId())));
        List<String> checked = new ArrayList<>();
        for (Operation operation : operations()) {
            Map<Integer, Supplier<Response>> byStatus = probes.get(operation.id());
            assertThat(byStatus).as("probes for %s", operation.id()).isNotNull();
            TreeSet<Integer> listed = operation.statuses();
            listed.removeAll(ELSEWHERE.getOrDefault(operation.id(), Set.of()));
            assertThat(new TreeSet<>(byStatus.keySet())).as("statuses %s lists, but %s", operation.id(),
                    UNPROVOKED).isEqualTo(listed);
            if (operation.path().startsWith("/admin") && stack.local().isEmpty()) {
                continue; // never routed publicly (AuthIT): only the local stack's order-route can be asked
            }
            byStatus.forEach((status, probe) -> {
                Response response = answerOtherThanBusy(probe);
                assertThat(response.statusCode()).as("%s %s expecting %d: %s", operation.method(), operation.path(),
                        status, response.asString()).isEqualTo(status);
                if (status >= 400) {
                    assertThat(response.contentType()).as("%s %s, %d", operation.method(), operation.path(), status)
                            .startsWith(PROBLEM);
                }
            });
            checked.add(operation.method() + " " + operation.path());
        }
        assertThat(checked).isNotEmpty();
    }

    @Test
    void eachServiceServesItsPartAndThePartsMakeTheDocument() throws IOException {
        assumeTrue(stack.local().isPresent(), "reads each service's /q/openapi, which only the local stack exposes");
        TreeSet<String> served = new TreeSet<>();
        for (String service : List.of("order-route", "credit-route", "payment-route")) {
            String yaml = RestAssured.given().baseUri(stack.local().get().serviceUrl(service).toString())
                    .get("/q/openapi").then().statusCode(200).contentType("application/yaml").extract().asString();
            JsonNode part = YAML.readTree(yaml);
            for (Operation operation : operations(part)) {
                assertThat(operation.service()).as("%s serves %s", service, operation.id()).isEqualTo(service);
                served.add(operation.method() + " " + operation.path());
            }
        }
        TreeSet<String> documented = new TreeSet<>();
        operations().forEach(operation -> documented.add(operation.method() + " " + operation.path()));

        assertThat(served).isEqualTo(documented);
    }

    /**
     * The probe's answer once it is not 503: a 503 is the document's "busy or a dependency is down, retry after
     * Retry-After" (on a loaded machine, e.g. the coordinator's recovery list for the stuck sagas), and stores nothing,
     * so the request is sent again, as a client would, for up to {@link #BUSY_FOR}.
     */
    private static Response answerOtherThanBusy(Supplier<Response> probe) {
        AtomicReference<Response> last = new AtomicReference<>();
        try {
            Awaitility.await().atMost(BUSY_FOR).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        last.set(probe.get());
                        return last.get().statusCode() != 503;
                    });
        } catch (ConditionTimeoutException stillBusy) {
            // The last answer, a 503, fails the caller's assertion with its body.
        }
        return last.get();
    }

    /** Places an order under a fresh Idempotency-Key (202), then sends {@code second} under the same key. */
    private Response twiceUnderOneKey(String first, String second) {
        String key = "openapi-" + PublicApi.newCustomerId();
        assertThat(json(admin(), first).header("Idempotency-Key", key).post("/api/orders").statusCode())
                .isEqualTo(202);
        return json(admin(), second).header("Idempotency-Key", key).post("/api/orders");
    }

    private RequestSpecification admin() {
        return api.request();
    }

    private RequestSpecification as(Customer customer) {
        return as(customer.customerId());
    }

    private RequestSpecification as(String customerId) {
        return api.anonymous().header("Authorization", "Bearer " + api.tokens().customer(customerId));
    }

    private static RequestSpecification json(RequestSpecification request, String body) {
        return request.contentType("application/json").body(body);
    }

    /** The request sent to order-route itself rather than through the gateway, which routes /api only. */
    private RequestSpecification atOrderRoute(RequestSpecification request) {
        return request.baseUri(stack.local().orElseThrow().serviceUrl("order-route").toString());
    }

    private List<Operation> operations() {
        return operations(document);
    }

    private static List<Operation> operations(JsonNode document) {
        List<Operation> operations = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(item -> item.getValue().fields().forEachRemaining(op ->
                operations.add(new Operation(op.getKey().toUpperCase(Locale.ROOT), item.getKey(),
                        op.getValue().path("operationId").asText(), op.getValue().path("responses"),
                        op.getValue().path("x-saga-service").asText()))));
        return operations;
    }
}
