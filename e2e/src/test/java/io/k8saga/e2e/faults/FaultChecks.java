package io.k8saga.e2e.faults;

import io.k8saga.e2e.check.Invariants;
import io.k8saga.e2e.check.SnapshotReader;
import io.k8saga.e2e.support.PublicApi;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What every fault test checks once its load has run, and the report they share: the orders of the load still
 * pending, the accepted orders without a final state, the invariants of {@code ./saga check} on the load's customers,
 * and one row per fault in {@code target/fault-report.md}.
 */
final class FaultChecks {

    private static final Path REPORT = Path.of("target/fault-report.md");
    /** The report is started afresh once per test JVM, whichever fault test comes first. */
    private static boolean reportStarted;

    private FaultChecks() {
    }

    /** The orders of this load's customers still PENDING. */
    static long pendingOrders(PublicApi api, OrderLoad load) {
        return countOf(api, load, "PENDING");
    }

    /** The ids of this load's orders in flight (PENDING) now. */
    static List<String> inFlightOrders(PublicApi api, OrderLoad load) {
        List<String> ids = new ArrayList<>();
        listed(api, load, "PENDING", 200).forEach(page -> ids.addAll(page.getList("items.orderId", String.class)));
        return ids;
    }

    /** {@link #inFlightOrders}, or none when the API cannot answer (order-route is what the fault stopped). */
    static List<String> inFlightOrdersIfReadable(PublicApi api, OrderLoad load) {
        try {
            return inFlightOrders(api, load);
        } catch (RuntimeException | AssertionError e) {
            return List.of();
        }
    }

    /** How many of {@code orderIds} ended REJECTED for want of time (reason TIMEOUT). */
    static long timedOut(PublicApi api, List<String> orderIds) {
        return orderIds.stream().map(api::order)
                .filter(order -> "REJECTED".equals(order.status()) && "TIMEOUT".equals(order.rejectionReason()))
                .count();
    }

    /** How many of this load's orders ended REJECTED with reason TIMEOUT. */
    static long timedOut(PublicApi api, OrderLoad load) {
        return timedOutOrders(api, load).size();
    }

    /**
     * This load's orders that ended REJECTED with reason TIMEOUT, each as "id (saga ..., created ..., rejected ...)":
     * what a failed assertion needs to find them in the services' logs.
     */
    static List<String> timedOutOrders(PublicApi api, OrderLoad load) {
        List<String> orders = new ArrayList<>();
        for (JsonPath page : listed(api, load, "REJECTED", 200)) {
            List<Map<String, Object>> timedOut = page.getList("items.findAll { it.rejectionReason == 'TIMEOUT' }");
            timedOut.forEach(order -> orders.add(order.get("orderId") + " (saga " + order.get("sagaId") + ", created "
                    + order.get("createdAt") + ", rejected " + order.get("updatedAt") + ")"));
        }
        return orders;
    }

    /** How many of this load's orders are APPROVED now. */
    static long approvedOrders(PublicApi api, OrderLoad load) {
        return countOf(api, load, "APPROVED");
    }

    /**
     * The time from {@code since} (the restart) until one more order of the load is APPROVED than when the API could
     * first be read after it: how long the stack took to end a saga again. "not within ..." when it does not at the
     * deadline. Reads that fail (a service still reconnecting to its database) are tried again.
     */
    static String untilApprovedAgain(PublicApi api, OrderLoad load, Instant since, Duration atMost) {
        AtomicLong before = new AtomicLong(-1);
        try {
            Awaitility.await("an order approved again").atMost(atMost).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> {
                        long approved = approvedOrders(api, load);
                        return !before.compareAndSet(-1, approved) && approved > before.get();
                    });
            return String.format(Locale.ROOT, "%.1f s", Duration.between(since, Instant.now()).toMillis() / 1000.0);
        } catch (ConditionTimeoutException e) {
            return "not within " + atMost.toSeconds() + " s";
        }
    }

    private static long countOf(PublicApi api, OrderLoad load, String status) {
        return listed(api, load, status, 1).stream().mapToLong(page -> page.getLong("total")).sum();
    }

    /** The first page (of {@code size}) of each of the load's customers' orders in {@code status}. */
    private static List<JsonPath> listed(PublicApi api, OrderLoad load, String status, int size) {
        List<JsonPath> pages = new ArrayList<>();
        for (String customer : load.customers()) {
            pages.add(api.request().queryParam("customerId", customer).queryParam("status", status)
                    .queryParam("size", size).get("/api/orders").then().statusCode(200).extract().jsonPath());
        }
        return pages;
    }

    /** Waits until no order of the load is PENDING; false when some still are at the deadline. */
    static boolean awaitNoPending(PublicApi api, OrderLoad load, Duration atMost) {
        try {
            Awaitility.await("no order of the load PENDING").atMost(atMost).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions().until(() -> pendingOrders(api, load) == 0);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    /** The accepted orders that are neither APPROVED nor REJECTED, each with what the API says of it. */
    static List<String> lostOrders(PublicApi api, OrderLoad load) {
        List<String> lost = new ArrayList<>();
        for (String orderId : load.accepted()) {
            int status = api.request().get("/api/orders/" + orderId).then().extract().statusCode();
            String state = status == 200 ? api.order(orderId).status() : "HTTP " + status;
            if (!"APPROVED".equals(state) && !"REJECTED".equals(state)) {
                lost.add(orderId + " " + state);
            }
        }
        return lost;
    }

    /**
     * The violations among this load's customers once there are none, or those still there at the deadline. Judged
     * on this test's customers only, so an earlier test's leftovers cannot fail (or excuse) this one; the last
     * callbacks and outcome events land a moment after the orders are final.
     */
    static List<Invariants.Violation> awaitInvariants(PublicApi api, OrderLoad load, Duration atMost) {
        SnapshotReader reader = new SnapshotReader(api.baseUrl(), api.adminToken());
        AtomicReference<List<Invariants.Violation>> last = new AtomicReference<>(List.of());
        try {
            Awaitility.await("the invariants hold").atMost(atMost).pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        last.set(Invariants.check(reader.read().of(load.customers())));
                        return last.get().isEmpty();
                    });
        } catch (ConditionTimeoutException e) {
            // reported and asserted by the caller
        }
        return last.get();
    }

    /** The share of the load's orders whose first POST was answered 202, as "99.7 % (299/300)". */
    static String firstTryAccepted(OrderLoad load) {
        List<OrderLoad.Attempt> first = load.firstTries();
        long accepted = first.stream().filter(a -> a.status() == 202).count();
        return String.format(Locale.ROOT, "%.1f %% (%d/%d)",
                first.isEmpty() ? 0.0 : 100.0 * accepted / first.size(), accepted, first.size());
    }

    /**
     * What one fault cost: the orders in flight when it struck and how many of them, and of the whole load, ended
     * TIMEOUT; the time from the restart to the first saga approved again, and to no order pending; the accepted
     * orders without a final state and the broken invariants.
     */
    record Outcome(int inFlight, long inFlightTimedOut, List<String> timedOut, String untilApprovedAgain,
            String recovery, List<String> lost, List<Invariants.Violation> violations) {
    }

    /**
     * Waits for the first approval after the restart at {@code restored}, for the load to finish and for its sagas to
     * end, then sums up what the fault cost the orders in flight at the fault ({@code inFlight}) and the others.
     */
    static Outcome settle(PublicApi api, Duration sagaTimeout, OrderLoad load, List<String> inFlight,
            Instant restored) throws InterruptedException {
        String untilApproved = untilApprovedAgain(api, load, restored,
                sagaTimeout.plus(Duration.ofSeconds(30)));
        if (!load.awaitPlaced(Duration.ofMinutes(4))) {
            throw new AssertionError("the load did not finish within 4 minutes");
        }
        // Time for the sagas to end after the load: their timeout, two recovery passes, and a margin.
        Duration settle = sagaTimeout.plus(Duration.ofSeconds(60));
        boolean quiet = awaitNoPending(api, load, settle);
        String recovery = quiet ? Duration.between(restored, Instant.now()).toSeconds() + " s"
                : "not within " + settle.toSeconds() + " s";
        List<String> lost = lostOrders(api, load);
        List<Invariants.Violation> violations = awaitInvariants(api, load, Duration.ofSeconds(30));
        // Only accepted orders count: one listed as PENDING while its saga was starting, and removed again when the
        // start failed (the coordinator was down; its client got a 503), never was.
        Set<String> accepted = Set.copyOf(load.accepted());
        List<String> acceptedInFlight = inFlight.stream().filter(accepted::contains).toList();
        return new Outcome(acceptedInFlight.size(), timedOut(api, acceptedInFlight), timedOutOrders(api, load),
                untilApproved, recovery, lost, violations);
    }

    /** Appends a row to target/fault-report.md (and prints it). */
    static synchronized void report(String fault, OrderLoad load, Outcome outcome) throws IOException {
        if (!reportStarted) {
            Files.createDirectories(REPORT.toAbsolutePath().getParent());
            Files.writeString(REPORT, "| fault | orders accepted | 202 at the first try | in flight during the fault"
                    + " | of them TIMEOUT | TIMEOUT in the whole load | lost | invariant violations"
                    + " | restart to the first approval | time to recover |\n"
                    + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
            reportStarted = true;
        }
        String row = "| " + fault + " | " + load.accepted().size() + " | " + firstTryAccepted(load) + " | "
                + outcome.inFlight() + " | " + outcome.inFlightTimedOut() + " | " + outcome.timedOut().size() + " | "
                + outcome.lost().size() + " | " + outcome.violations().size() + " | " + outcome.untilApprovedAgain()
                + " | " + outcome.recovery() + " |\n";
        Files.writeString(REPORT, row, StandardOpenOption.APPEND);
        System.out.print("[faults] " + row);
    }

    /** Those of the orders that are not final yet. */
    static List<String> notFinal(PublicApi api, List<String> orderIds) {
        return orderIds.stream().filter(orderId -> !api.order(orderId).isFinal()).toList();
    }

    /** The first tries' answers before, during and after the fault, as "before: 202×60; during: 202×50; ...". */
    static String answers(List<OrderLoad.Attempt> firstTries, Instant fault, Instant restore) {
        return "before: " + statuses(firstTries.stream().filter(a -> a.sent().isBefore(fault)).toList())
                + "; during: " + statuses(firstTries.stream()
                        .filter(a -> !a.sent().isBefore(fault) && a.sent().isBefore(restore)).toList())
                + "; after: " + statuses(firstTries.stream().filter(a -> !a.sent().isBefore(restore)).toList());
    }

    private static String statuses(List<OrderLoad.Attempt> attempts) {
        java.util.Map<Integer, Long> counts = new java.util.TreeMap<>();
        attempts.forEach(a -> counts.merge(a.status(), 1L, Long::sum));
        StringBuilder text = new StringBuilder();
        counts.forEach((status, count) -> text.append(text.length() == 0 ? "" : " ").append(status == 0 ? "none" : status)
                .append('×').append(count));
        return text.length() == 0 ? "-" : text.toString();
    }
}
