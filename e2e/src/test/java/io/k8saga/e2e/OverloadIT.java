package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.e2e.check.Invariants;
import io.k8saga.e2e.check.SnapshotReader;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Offered four times what it finishes, the stack keeps its promise: it refuses at once (503 with Retry-After) what
 * it cannot finish in time, every order it accepts ends as its kind says (none by TIMEOUT), it keeps finishing
 * sagas at about its capacity, and the saga's invariants hold afterwards. The capacity is measured first, in the
 * same test, with a closed loop.
 */
@SystemTest
class OverloadIT {

    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration CAPACITY_RUN = Duration.ofSeconds(15);
    private static final Duration OVERLOAD_RUN = Duration.ofSeconds(30);
    private static final int CALLERS = 8;
    /** Sagas in a row that must end as expected before the capacity is measured. */
    private static final int WARMED_UP = 20;
    private static final int OVERLOAD_FACTOR = 4;
    private static final Pattern FIELD = Pattern.compile("\"(orderId|status|rejectionReason)\"\\s*:\\s*\"([^\"]*)\"");

    /** What an order is meant to end as: approved, refused by credit, declined by the payment provider. */
    private enum Kind {
        APPROVE("APPROVED"), CREDIT("REJECTED/CREDIT_LIMIT_EXCEEDED"), DECLINE("REJECTED/PAYMENT_DECLINED");

        final String expected;

        Kind(String expected) {
            this.expected = expected;
        }

        /** 18 in 20 approved, one credit refusal, one decline. */
        static Kind of(int seq) {
            return switch (seq % 20) {
                case 7 -> CREDIT;
                case 13 -> DECLINE;
                default -> APPROVE;
            };
        }
    }

    private final PublicApi api;
    private final SagaStack stack;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> customers = new ArrayList<>();
    private String brokeCustomer;

    OverloadIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.stack = stack;
    }

    @Test
    void fourTimesTheCapacityIsShedNotTimedOut() throws Exception {
        for (int i = 0; i < 10; i++) {
            customers.add(api.createCustomer("1000000000").customerId());
        }
        brokeCustomer = api.createCustomer("0").customerId();

        double capacity = closedLoopCapacity();
        double offered = Math.max(4, capacity * OVERLOAD_FACTOR);
        System.out.printf("[overload] closed-loop capacity %.1f sagas/s; offering %.1f orders/s for %d s%n",
                capacity, offered, OVERLOAD_RUN.toSeconds());

        Map<String, Kind> accepted = new ConcurrentHashMap<>();
        List<String> wrongAnswers = new ArrayList<>();
        AtomicInteger shed = new AtomicInteger();
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        long interval = (long) (1e9 / offered);
        long start = System.nanoTime();
        int seq = 0;
        for (long next = start; next < start + OVERLOAD_RUN.toNanos(); next += interval) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait); // the open loop's schedule, not a wait for a condition
            }
            Kind kind = Kind.of(seq++);
            answers.add(http.sendAsync(post(kind), HttpResponse.BodyHandlers.ofString()).thenAccept(answer -> {
                if (answer.statusCode() == 202) {
                    accepted.put(field(answer.body(), "orderId"), kind);
                } else if (answer.statusCode() == 503 && answer.headers().firstValue("Retry-After").isPresent()
                        && answer.headers().firstValue("Content-Type").orElse("").startsWith(
                                "application/problem+json")) {
                    shed.incrementAndGet();
                } else {
                    synchronized (wrongAnswers) {
                        wrongAnswers.add(answer.statusCode() + " " + answer.headers().map() + " " + answer.body());
                    }
                }
            }));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
        long offeredWindowEnd = System.nanoTime();

        Map<String, String> finals = awaitFinal(accepted.keySet(), stack.sagaTimeout().plusSeconds(30));
        double goodput = accepted.entrySet().stream()
                .filter(order -> order.getValue().expected.equals(finals.get(order.getKey())))
                .count() / ((offeredWindowEnd - start) / 1e9);
        Map<String, Long> outcomes = finals.values().stream()
                .collect(Collectors.groupingBy(outcome -> outcome, Collectors.counting()));
        System.out.printf("[overload] %d offered: %d accepted, %d shed (%.0f %%); outcomes %s; goodput %.1f/s"
                + " (%.0f %% of capacity)%n", seq, accepted.size(), shed.get(), 100.0 * shed.get() / seq, outcomes,
                goodput, 100 * goodput / capacity);

        assertThat(wrongAnswers).as("answers other than 202 or 503 with Retry-After and a problem body").isEmpty();
        assertThat(outcomes).as("accepted orders that timed out").doesNotContainKey("REJECTED/TIMEOUT");
        assertThat(accepted).allSatisfy((orderId, kind) ->
                assertThat(finals.get(orderId)).as("order %s (%s)", orderId, kind).isEqualTo(kind.expected));
        assertThat(shed.get()).as("orders shed at four times the capacity").isPositive();
        assertThat(goodput).as("sagas finished per second under overload").isGreaterThanOrEqualTo(0.8 * capacity);
        assertThat(invariantViolations()).as("invariants broken").isEmpty();
    }

    /** Sagas finished per second by {@link #CALLERS} callers, each placing its next order once the last is final. */
    private double closedLoopCapacity() throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean over = new AtomicBoolean();
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger seq = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
        AtomicInteger inARow = new AtomicInteger();
        for (int i = 0; i < CALLERS; i++) {
            callers.execute(() -> {
                while (!over.get()) {
                    Kind kind = Kind.of(seq.getAndIncrement());
                    String outcome = placeAndAwait(kind);
                    if (!kind.expected.equals(outcome)) {
                        inARow.set(0);
                        synchronized (failures) {
                            failures.add((measuring.get() ? "" : "warm-up: ") + kind + " ended as " + outcome);
                        }
                    } else {
                        inARow.incrementAndGet();
                        if (measuring.get()) {
                            finished.incrementAndGet();
                        }
                    }
                }
            });
        }
        // Warm until the stack ends sagas as it should, several in a row: a cold JVM, or consumers still joining
        // their group after an earlier test restarted a service, can let the first sagas run out of time.
        TimeUnit.NANOSECONDS.sleep(WARM_UP.toNanos()); // the phases of the load, not a wait for a condition
        Awaitility.await("the closed loop ends " + WARMED_UP + " sagas in a row as expected")
                .atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> inARow.get() >= WARMED_UP);
        measuring.set(true);
        long start = System.nanoTime();
        TimeUnit.NANOSECONDS.sleep(CAPACITY_RUN.toNanos());
        measuring.set(false);
        double capacity = finished.get() / ((System.nanoTime() - start) / 1e9);
        over.set(true);
        callers.shutdown();
        assertThat(callers.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        System.out.println("[overload] closed-loop orders that did not end as expected: " + failures);
        assertThat(failures).as("closed-loop orders measured that did not end as expected")
                .allMatch(failure -> failure.startsWith("warm-up: "));
        return capacity;
    }

    /** Places one order and reads it until it is final, each read held by the service (Prefer: wait). */
    private String placeAndAwait(Kind kind) {
        try {
            HttpResponse<String> placed = http.send(post(kind), HttpResponse.BodyHandlers.ofString());
            if (placed.statusCode() != 202) {
                return "POST answered " + placed.statusCode();
            }
            URI order = api.baseUrl().resolve("/api/orders/" + field(placed.body(), "orderId"));
            long deadline = System.nanoTime() + stack.sagaTimeout().plusSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                HttpResponse<String> read = http.send(HttpRequest.newBuilder(order).header("Prefer", "wait=20")
                        .header("Authorization", api.authorization())
                        .timeout(Duration.ofSeconds(40)).build(), HttpResponse.BodyHandlers.ofString());
                String outcome = outcome(read.body());
                if (!"PENDING".equals(outcome)) {
                    return outcome;
                }
            }
            return "PENDING";
        } catch (Exception e) {
            return e.toString();
        }
    }

    private Map<String, String> awaitFinal(java.util.Set<String> orderIds, Duration atMost) {
        Map<String, String> finals = new ConcurrentHashMap<>();
        try {
            Awaitility.await("every accepted order final").atMost(atMost).pollInterval(Duration.ofSeconds(1))
                    .until(() -> {
                        for (String orderId : orderIds) {
                            if (!finals.containsKey(orderId)) {
                                String outcome = outcome(api.request().get("/api/orders/" + orderId).asString());
                                if (!"PENDING".equals(outcome)) {
                                    finals.put(orderId, outcome);
                                }
                            }
                        }
                        return finals.size() == orderIds.size();
                    });
        } catch (ConditionTimeoutException e) {
            orderIds.forEach(orderId -> finals.putIfAbsent(orderId, "PENDING"));
        }
        return finals;
    }

    private List<Invariants.Violation> invariantViolations() {
        List<String> all = new ArrayList<>(customers);
        all.add(brokeCustomer);
        SnapshotReader reader = new SnapshotReader(api.baseUrl(), api.adminToken());
        AtomicReference<List<Invariants.Violation>> last = new AtomicReference<>(List.of());
        try {
            Awaitility.await("the invariants hold").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        last.set(Invariants.check(reader.read().of(all)));
                        return last.get().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            // asserted by the caller
        }
        return last.get();
    }

    private HttpRequest post(Kind kind) {
        String customer = kind == Kind.CREDIT ? brokeCustomer
                : customers.get(Math.floorMod(System.nanoTime(), customers.size()));
        String token = kind == Kind.DECLINE ? "tok_declined" : "tok_ok";
        return HttpRequest.newBuilder(api.baseUrl().resolve("/api/orders")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header("Authorization", api.authorization())
                .POST(HttpRequest.BodyPublishers.ofString(PublicApi.orderJson(customer, "10.00", token))).build();
    }

    /** APPROVED, PENDING, or REJECTED/reason, read from an order's JSON. */
    private static String outcome(String json) {
        String status = field(json, "status");
        String reason = field(json, "rejectionReason");
        return reason == null ? status : status + "/" + reason;
    }

    private static String field(String json, String name) {
        Matcher m = FIELD.matcher(json);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2);
            }
        }
        return null;
    }
}
