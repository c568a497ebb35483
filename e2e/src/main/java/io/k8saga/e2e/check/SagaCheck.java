package io.k8saga.e2e.check;

import io.k8saga.e2e.check.Invariants.Violation;
import java.io.IOException;
import java.net.URI;
import java.util.List;

/**
 * {@code ./saga check}: reads every order, its customer and its payments through the public API and exits 1 with a
 * report when an invariant is broken (see {@link Invariants}), 2 when the API cannot be read. Run it when the
 * system is quiet: a saga still running counts as a PENDING order.
 */
public final class SagaCheck {

    private SagaCheck() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: SagaCheck <base URL of the public API>");
            System.exit(2);
        }
        URI baseUrl = URI.create(args[0].replaceFirst("/*$", "/"));
        SagaSnapshot snapshot;
        try {
            snapshot = new SnapshotReader(baseUrl).read();
        } catch (IOException e) {
            System.err.println("check: cannot read the API at " + baseUrl + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        List<Violation> violations = Invariants.check(snapshot);
        System.out.printf("check: %d orders, %d customers, %d payments read from %s%n", snapshot.orders().size(),
                snapshot.customers().size(), snapshot.payments().values().stream().mapToInt(List::size).sum(), baseUrl);
        if (violations.isEmpty()) {
            System.out.println("check: every invariant holds");
            return;
        }
        violations.forEach(violation -> System.out.println("check: VIOLATED " + violation));
        System.out.println("check: " + violations.size() + " violation(s)");
        System.exit(1);
    }
}
