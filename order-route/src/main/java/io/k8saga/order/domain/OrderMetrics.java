package io.k8saga.order.domain;

import io.k8saga.common.db.AfterCommit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * The orders' outcomes: {@code saga_orders_total{outcome,reason}} counts the orders that became final (reason
 * {@code none} for an approved one), {@code saga_duration_seconds{outcome}} how long each took from acceptance to
 * final. Counted once the change commits, so a rolled-back or repeated change counts nothing.
 */
@Startup
@ApplicationScoped
public class OrderMetrics {

    /** The longest saga the histogram resolves: beyond the default saga timeout and its grace. */
    private static final Duration LONGEST = Duration.ofMinutes(5);
    private static final String NONE = "none";

    private final MeterRegistry registry;
    private final TransactionSynchronizationRegistry transactions;

    OrderMetrics(MeterRegistry registry, TransactionSynchronizationRegistry transactions) {
        this.registry = registry;
        this.transactions = transactions;
        // Zero from the start for the usual series, so a dashboard's rate() has a baseline before the first order.
        orders(OrderStatus.APPROVED.name(), NONE);
        for (RejectionReason reason : RejectionReason.values()) {
            orders(OrderStatus.REJECTED.name(), reason.name());
        }
        duration(OrderStatus.APPROVED.name());
        duration(OrderStatus.REJECTED.name());
    }

    /** The order just became final in the current transaction; counted when it commits. */
    void endedOnCommit(Order order) {
        String outcome = order.status().name();
        String reason = order.visibleRejectionReason() == null ? NONE : order.visibleRejectionReason().name();
        Duration took = Duration.between(order.createdAt(), OffsetDateTime.now());
        AfterCommit.run(transactions, () -> {
            orders(outcome, reason).increment();
            duration(outcome).record(took);
        });
    }

    /** {@code count} orders whose saga never started were rejected (TIMEOUT) in the current transaction. */
    void orphansRejectedOnCommit(int count) {
        if (count > 0) {
            AfterCommit.run(transactions,
                    () -> orders(OrderStatus.REJECTED.name(), RejectionReason.TIMEOUT.name()).increment(count));
        }
    }

    private Timer duration(String outcome) {
        return Timer.builder("saga.duration").tag("outcome", outcome)
                .description("From an order accepted to its final state")
                .publishPercentileHistogram().maximumExpectedValue(LONGEST)
                .register(registry);
    }

    private Counter orders(String outcome, String reason) {
        return Counter.builder("saga.orders").tag("outcome", outcome).tag("reason", reason)
                .description("Orders that became final, by outcome and rejection reason")
                .register(registry);
    }
}
