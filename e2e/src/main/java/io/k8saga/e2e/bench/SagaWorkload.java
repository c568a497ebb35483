package io.k8saga.e2e.bench;

import io.k8saga.e2e.bench.LoadDriver.Outcome;
import io.k8saga.e2e.bench.Mix.OrderClass;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Places orders through the public API and waits for each saga's final status. Customers are created first:
 * several with ample credit (approvals and payment declines spread over them, so that no single credit row is the
 * bottleneck) and one with a zero limit (credit refusals).
 */
final class SagaWorkload implements LoadDriver.Operation {

    /** Far below the ample customers' limit even for millions of orders. */
    private static final String AMOUNT = "10.00";
    private static final String AMPLE_CREDIT = "1000000000";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Longest wait asked of order-route in one read; it grants up to 20 s. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(20);

    private final BenchOptions options;
    private final HttpClient http;
    private final List<String> ampleCustomers = new ArrayList<>();
    private String brokeCustomer;

    SagaWorkload(BenchOptions options, HttpClient http) {
        this.options = options;
        this.http = http;
    }

    /** Creates this run's customers; ids carry the run id so that runs never collide. */
    void createCustomers(String runId) throws IOException, InterruptedException {
        int ample = Math.max(8, options.openLoop() ? 16 : options.concurrency());
        for (int i = 0; i < ample; i++) {
            String id = "bench-" + runId + "-" + i;
            createCustomer(id, AMPLE_CREDIT);
            ampleCustomers.add(id);
        }
        brokeCustomer = "bench-" + runId + "-broke";
        createCustomer(brokeCustomer, "0");
    }

    private void createCustomer(String id, String limit) throws IOException, InterruptedException {
        String body = "{\"customerId\":\"" + id + "\",\"name\":\"Bench " + id + "\",\"creditLimit\":" + limit + "}";
        HttpResponse<String> response = http.send(post(options.baseUrl() + "/api/customers", body),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new IOException("creating customer " + id + " answered " + response.statusCode() + ": the API "
                    + (response.statusCode() == 401
                            ? "does not accept SAGA_TOKEN (expired, or signed with another key?)"
                            : "does not let SAGA_TOKEN create customers (not an admin token?)"));
        }
        if (response.statusCode() != 201) {
            throw new IOException("creating customer " + id + " answered " + response.statusCode() + ": "
                    + response.body());
        }
    }

    @Override
    public Outcome run(long seq) {
        OrderClass c = options.mix().pick(seq);
        String customer = c == OrderClass.CREDIT ? brokeCustomer : ampleCustomers.get((int) (seq % ampleCustomers.size()));
        String token = c == OrderClass.DECLINE ? "tok_declined" : "tok_ok";
        String body = "{\"customerId\":\"" + customer + "\",\"amount\":" + AMOUNT + ",\"paymentToken\":\"" + token + "\"}";
        try {
            HttpResponse<String> placed = http.send(post(options.baseUrl() + "/api/orders", body),
                    HttpResponse.BodyHandlers.ofString());
            if (placed.statusCode() == 503 && placed.headers().firstValue("Retry-After").isPresent()) {
                backOff(placed);
                return Outcome.shed(c.key, c.path());
            }
            if (placed.statusCode() != 202) {
                return error(c, "POST /api/orders " + placed.statusCode());
            }
            String orderId = Json.field(placed.body(), "orderId");
            if (orderId == null) {
                return error(c, "POST /api/orders answered no orderId");
            }
            return awaitFinal(c, orderId);
        } catch (HttpTimeoutException e) {
            return error(c, "HTTP request timeout");
        } catch (IOException e) {
            return error(c, "I/O: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(c, "interrupted");
        }
    }

    /**
     * Reads the order until it leaves PENDING or its deadline passes. Each read asks the service to hold the answer
     * until the order is final ({@code Prefer: wait}); a service that does not (no {@code Preference-Applied} in
     * the answer) is polled every {@code --poll} instead.
     */
    private Outcome awaitFinal(OrderClass c, String orderId) throws IOException, InterruptedException {
        URI order = URI.create(options.baseUrl() + "/api/orders/" + orderId);
        long deadline = System.nanoTime() + options.orderTimeout().toNanos();
        while (true) {
            long waitSeconds = Math.max(1, Math.min(MAX_WAIT.toSeconds(),
                    TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime())));
            HttpRequest get = HttpRequest.newBuilder(order).timeout(REQUEST_TIMEOUT.plusSeconds(waitSeconds))
                    .header("Accept", "application/json").header("Authorization", options.authorization())
                    .header("Prefer", "wait=" + waitSeconds).GET().build();
            HttpResponse<String> response = http.send(get, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return error(c, "GET /api/orders/{id} " + response.statusCode());
            }
            String status = Json.field(response.body(), "status");
            if (!"PENDING".equals(status)) {
                String reason = Json.field(response.body(), "rejectionReason");
                String result = reason == null ? status : status + "/" + reason;
                boolean expected = c.expectedStatus.equals(status)
                        && (c.expectedReason == null || c.expectedReason.equals(reason));
                return new Outcome(c.key, c.path(), result, expected ? null : "wrong outcome for " + c.key + ": " + result);
            }
            if (System.nanoTime() > deadline) {
                return new Outcome(c.key, c.path(), "PENDING",
                        "still PENDING after " + BenchOptions.format(options.orderTimeout()));
            }
            if (response.headers().firstValue("Preference-Applied").isEmpty()) {
                Thread.sleep(Math.max(1, options.pollInterval().toMillis()));
            }
        }
    }

    /**
     * A closed-loop caller waits as the refusal asks (at most a second), as a polite client would, instead of
     * hammering the service; an open loop keeps its schedule whatever the answers.
     */
    private void backOff(HttpResponse<String> refusal) throws InterruptedException {
        if (!options.openLoop()) {
            long seconds;
            try {
                seconds = Long.parseLong(refusal.headers().firstValue("Retry-After").orElse("1").trim());
            } catch (NumberFormatException e) {
                seconds = 1; // an HTTP date: not worth parsing for a wait capped at a second
            }
            Thread.sleep(Math.max(1, Math.min(1000, seconds * 1000)));
        }
    }

    private static Outcome error(OrderClass c, String error) {
        return new Outcome(c.key, c.path(), "error", error);
    }

    private HttpRequest post(String url, String json) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("Authorization", options.authorization())
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }
}
