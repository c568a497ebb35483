package io.k8saga.e2e.faults;

import io.k8saga.e2e.support.PublicApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Places orders in the background at a steady rate while a fault is injected, the way a careful client would: each
 * order has its own Idempotency-Key and is sent again under that key after a connection error or a 5xx, until the
 * API accepts it (202, or 200 for a replay). Only accepted orders count; those are the ones that must not be lost.
 * One order in ten is declined by the payment provider and one in ten exceeds its customer's credit limit.
 * Every request is recorded as an {@link Attempt} (when it went out, how long it took, what came back), so a test can
 * judge the answers a client got at its first try, not only whether the order got in at last.
 */
final class OrderLoad {

    private static final Pattern ORDER_ID = Pattern.compile("\"orderId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(250);
    /** Callers of the default load; each retries every 250 ms while the API refuses, so more of them add load. */
    private static final int WORKERS = 16;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI orders;
    private final String authorization;
    private final List<String> customers;
    private final int total;
    private final long intervalNanos;
    private final long startNanos = System.nanoTime();
    private final AtomicInteger next = new AtomicInteger();
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final List<String> failures = new ArrayList<>();
    private final List<Attempt> attempts = new ArrayList<>();
    private final ExecutorService workers;

    private OrderLoad(PublicApi api, List<String> customers, int total, int perSecond, int callers) {
        this.orders = api.baseUrl().resolve("/api/orders");
        this.authorization = api.authorization();
        this.customers = customers;
        this.total = total;
        this.intervalNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.workers = Executors.newFixedThreadPool(callers);
        for (int i = 0; i < callers; i++) {
            workers.submit(this::work);
        }
        workers.shutdown();
    }

    /** Creates ten customers with a limit of 1 000 000 and starts placing {@code total} orders at {@code perSecond}. */
    static OrderLoad start(PublicApi api, int total, int perSecond) {
        return start(api, total, perSecond, WORKERS);
    }

    /** The same with {@code callers} concurrent callers, for faults that hold requests for seconds. */
    static OrderLoad start(PublicApi api, int total, int perSecond, int callers) {
        List<String> customers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            customers.add(api.createCustomer("1000000.00").customerId());
        }
        return new OrderLoad(api, customers, total, perSecond, callers);
    }

    Set<String> accepted() {
        return Set.copyOf(accepted);
    }

    List<String> customers() {
        return customers;
    }

    /**
     * One POST of an order: its number in the load, which try it was (0 = the first), when it went out, how long the
     * answer took, its status (0 when no answer came: connection error or the client's time limit) and whether a
     * 503 carried Retry-After.
     */
    record Attempt(int order, int attempt, Instant sent, Duration took, int status, boolean retryAfter) {
    }

    /** Every request sent so far, in the order the answers came. */
    synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** The first try of each order sent so far. */
    List<Attempt> firstTries() {
        return attempts().stream().filter(a -> a.attempt() == 0).toList();
    }

    /** Requests the API refused for good (a 4xx), which a valid order must never get. */
    synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    /** Waits until every order was placed (or given up on); false when that took longer than {@code atMost}. */
    boolean awaitPlaced(Duration atMost) throws InterruptedException {
        return workers.awaitTermination(atMost.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void work() {
        for (int n = next.getAndIncrement(); n < total; n = next.getAndIncrement()) {
            // Open loop: order n goes out at its slot, however slowly the earlier ones were answered.
            long wait = startNanos + n * intervalNanos - System.nanoTime();
            try {
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                place(n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void place(int n) throws InterruptedException {
        String customer = customers.get(n % customers.size());
        String amount = n % 10 == 1 ? "2000000.00" : "10.00";
        String token = n % 10 == 2 ? "tok_declined" : "tok_ok";
        HttpRequest request = HttpRequest.newBuilder(orders)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .header("Authorization", authorization)
                .POST(HttpRequest.BodyPublishers.ofString(PublicApi.orderJson(customer, amount, token)))
                .build();
        long deadline = System.nanoTime() + GIVE_UP_AFTER.toNanos();
        String last = "";
        for (int attempt = 0; System.nanoTime() < deadline; attempt++) {
            Instant sent = Instant.now();
            long start = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                record(new Attempt(n, attempt, sent, Duration.ofNanos(System.nanoTime() - start), status,
                        response.headers().firstValue("Retry-After").isPresent()));
                if (status == 200 || status == 202) {
                    Matcher id = ORDER_ID.matcher(response.body());
                    if (id.find()) {
                        accepted.add(id.group(1));
                        return;
                    }
                    last = status + " without an order id: " + response.body();
                } else if (status < 500) {
                    fail("order " + n + ": " + status + " " + response.body());
                    return;
                } else {
                    last = status + " " + response.body();
                }
            } catch (IOException e) {
                record(new Attempt(n, attempt, sent, Duration.ofNanos(System.nanoTime() - start), 0, false));
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE.toMillis());
        }
        fail("order " + n + " not accepted within " + GIVE_UP_AFTER + "; last answer: " + last);
    }

    private synchronized void record(Attempt attempt) {
        attempts.add(attempt);
    }

    private synchronized void fail(String failure) {
        failures.add(failure);
    }
}
