package io.k8saga.e2e.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8saga.e2e.check.SagaSnapshot.Customer;
import io.k8saga.e2e.check.SagaSnapshot.Order;
import io.k8saga.e2e.check.SagaSnapshot.Payment;
import io.k8saga.e2e.check.SagaSnapshot.Reservation;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link SagaSnapshot} through the public API only, as an operator or a test would, sending an admin bearer
 * token with every request.
 */
public final class SnapshotReader {

    /** The API's largest page of orders. */
    private static final int PAGE_SIZE = 200;

    private final URI baseUrl;
    /** The Authorization header of every request. */
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    /** A reader that sends {@code Authorization: Bearer <token>}; the token must carry the admin role. */
    public SnapshotReader(URI baseUrl, String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the public API needs a bearer token (an admin one) to be read");
        }
        this.baseUrl = baseUrl;
        this.authorization = "Bearer " + token.trim();
    }

    public SagaSnapshot read() throws IOException, InterruptedException {
        List<Order> orders = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode body = get("/api/orders?size=" + PAGE_SIZE + "&page=" + page);
            body.get("items").forEach(item -> orders.add(order(item)));
            if ((long) (page + 1) * PAGE_SIZE >= body.get("total").asLong()) {
                break;
            }
        }
        Map<String, Customer> customers = new LinkedHashMap<>();
        Map<String, List<Payment>> payments = new LinkedHashMap<>();
        Map<String, Reservation> reservations = new LinkedHashMap<>();
        for (Order order : orders) {
            if (!customers.containsKey(order.customerId())) {
                JsonNode customer = getOrNull("/api/customers/" + encode(order.customerId()));
                if (customer != null) {
                    customers.put(order.customerId(), new Customer(customer.get("customerId").asText(),
                            customer.get("creditLimit").decimalValue(), customer.get("creditReserved").decimalValue()));
                    get("/api/customers/" + encode(order.customerId()) + "/reservations").forEach(item ->
                            reservations.put(item.get("orderId").asText(), new Reservation(item.get("orderId").asText(),
                                    item.get("amount").decimalValue(), item.get("status").asText())));
                }
            }
            List<Payment> ofOrder = new ArrayList<>();
            get("/api/payments?orderId=" + encode(order.orderId())).forEach(item -> ofOrder.add(new Payment(
                    item.get("paymentId").asText(), item.get("orderId").asText(), item.get("amount").decimalValue(),
                    item.get("currency").asText(), item.get("status").asText())));
            payments.put(order.orderId(), ofOrder);
        }
        return new SagaSnapshot(orders, customers, payments, reservations);
    }

    private static Order order(JsonNode item) {
        JsonNode reason = item.get("rejectionReason");
        return new Order(item.get("orderId").asText(), item.get("customerId").asText(), item.get("amount").decimalValue(),
                item.get("currency").asText(), item.get("status").asText(),
                reason == null || reason.isNull() ? null : reason.asText());
    }

    /** The body of a 200; any other answer fails the read. */
    private JsonNode get(String pathAndQuery) throws IOException, InterruptedException {
        return read(pathAndQuery, false);
    }

    /** The body of a 200, or null for a 404 (a customer the API does not know). */
    private JsonNode getOrNull(String pathAndQuery) throws IOException, InterruptedException {
        return read(pathAndQuery, true);
    }

    private JsonNode read(String pathAndQuery, boolean notFoundIsNull) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header("Accept", "application/json")
                .header("Authorization", authorization).GET();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (notFoundIsNull && response.statusCode() == 404) {
            return null;
        }
        if (response.statusCode() == 401) {
            throw new IOException("GET " + pathAndQuery + " answered 401: the API does not accept the token"
                    + " (expired, or signed with another key?)");
        }
        if (response.statusCode() == 403) {
            throw new IOException("GET " + pathAndQuery + " answered 403: the token may not read this (not an admin"
                    + " token?)");
        }
        if (response.statusCode() != 200) {
            throw new IOException("GET " + pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
