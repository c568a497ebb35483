package io.k8saga.e2e.faults;

import io.k8saga.e2e.check.Invariants;
import io.k8saga.e2e.check.SnapshotReader;
import io.k8saga.e2e.support.PublicApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
        long pending = 0;
        for (String customer : load.customers()) {
            pending += api.request().queryParam("customerId", customer).queryParam("status", "PENDING")
                    .queryParam("size", 1).get("/api/orders").then().statusCode(200).extract().jsonPath()
                    .getLong("total");
        }
        return pending;
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
        SnapshotReader reader = new SnapshotReader(api.baseUrl());
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
        return String.format(java.util.Locale.ROOT, "%.1f %% (%d/%d)",
                first.isEmpty() ? 0.0 : 100.0 * accepted / first.size(), accepted, first.size());
    }

    /** Appends a row to target/fault-report.md (and prints it). */
    static synchronized void report(String fault, OrderLoad load, long inFlight, int lost, int violations,
            String recovery) throws IOException {
        if (!reportStarted) {
            Files.createDirectories(REPORT.toAbsolutePath().getParent());
            Files.writeString(REPORT, "| fault | orders accepted | 202 at the first try | in flight at the fault"
                    + " | lost | invariant violations | time to recover |\n"
                    + "| --- | --- | --- | --- | --- | --- | --- |\n");
            reportStarted = true;
        }
        String row = "| " + fault + " | " + load.accepted().size() + " | " + firstTryAccepted(load) + " | " + inFlight
                + " | " + lost + " | " + violations + " | " + recovery + " |\n";
        Files.writeString(REPORT, row, StandardOpenOption.APPEND);
        System.out.print("[faults] " + row);
    }
}
