package io.k8saga.e2e.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8saga.e2e.check.Invariants.Violation;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * {@code ./saga check}: reads every order, its customer, its credit reservation and its payments through the public API and exits 1 with a
 * report when an invariant is broken (see {@link Invariants}), 2 when the API cannot be read. Run it when the
 * system is quiet: a saga still running counts as a PENDING order. Every request carries the bearer token in
 * {@code SAGA_TOKEN} (an admin token: the check reads every customer's data), which {@code ./saga check} sets.
 */
public final class SagaCheck {

    private static final int QUIET_READS = 3;
    private static final Duration QUIET_PAUSE = Duration.ofSeconds(2);

    private SagaCheck() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: SagaCheck <base URL of the public API>");
            System.exit(2);
        }
        URI baseUrl = URI.create(args[0].replaceFirst("/*$", "/"));
        String token = System.getenv().getOrDefault("SAGA_TOKEN", "").trim();
        if (token.isEmpty()) {
            System.err.println("check: SAGA_TOKEN is not set: the public API needs an admin bearer token (./saga check"
                    + " sets a fresh one; against another API, set SAGA_TOKEN to one it accepts)");
            System.exit(2);
        }
        String notAdmin = notAdminProblem(token);
        if (notAdmin != null) {
            System.err.println("check: " + notAdmin);
            System.exit(2);
        }
        SagaSnapshot snapshot;
        List<Violation> violations;
        int read = 0;
        try {
            // The last callbacks and outcome events of a saga land a moment after its order is final: a violation
            // counts only if it is still there after QUIET_READS reads, QUIET_PAUSE apart.
            do {
                if (read > 0) {
                    Thread.sleep(QUIET_PAUSE.toMillis());
                }
                snapshot = new SnapshotReader(baseUrl, token).read();
                violations = Invariants.check(snapshot);
                read++;
            } while (!violations.isEmpty() && read < QUIET_READS);
        } catch (IOException e) {
            System.err.println("check: cannot read the API at " + baseUrl + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.printf("check: %d orders, %d customers, %d payments, %d reservations read from %s%n",
                snapshot.orders().size(), snapshot.customers().size(),
                snapshot.payments().values().stream().mapToInt(List::size).sum(), snapshot.reservations().size(),
                baseUrl);
        if (violations.isEmpty()) {
            System.out.println("check: every invariant holds");
            return;
        }
        violations.forEach(violation -> System.out.println("check: VIOLATED " + violation));
        System.out.println("check: " + violations.size() + " violation(s), still there after " + read + " reads");
        System.exit(1);
    }

    /**
     * Why the token cannot serve the check, or null. A JWT whose {@code groups} claim lacks {@code admin} is a
     * customer's: the API shows it that customer's orders only, and the check would pass over almost nothing. A
     * token that is not a JWT, or keeps its roles in another claim, is left to the API to judge.
     */
    static String notAdminProblem(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        JsonNode groups;
        try {
            groups = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(parts[1])).get("groups");
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
        if (groups == null || !groups.isArray()) {
            return null;
        }
        for (JsonNode group : groups) {
            if ("admin".equals(group.asText())) {
                return null;
            }
        }
        return "SAGA_TOKEN has the groups " + groups + ", not admin: a customer's token sees that customer's orders"
                + " only (./saga token --admin makes an admin one)";
    }
}
