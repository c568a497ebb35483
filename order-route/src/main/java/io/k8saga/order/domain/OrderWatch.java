package io.k8saga.order.domain;

import io.k8saga.common.db.AfterCommit;
import io.k8saga.order.repository.OrderRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Tells whoever in this process waits for an order to become final (a long-polling {@code GET}, the admission
 * control's place) as soon as the transaction that made it final commits, instead of letting them poll. An order
 * made final by another replica is found by {@link #recheck}, which re-reads all the watched orders in one query.
 */
@ApplicationScoped
public class OrderWatch {

    /** Most order ids in one re-read query. */
    private static final int RECHECK_BATCH = 500;

    private final ConcurrentMap<String, CompletableFuture<Void>> signals = new ConcurrentHashMap<>();
    private final TransactionSynchronizationRegistry transactions;
    private final OrderRepository orders;
    private final SagaAdmission admission;

    OrderWatch(TransactionSynchronizationRegistry transactions, OrderRepository orders, SagaAdmission admission) {
        this.transactions = transactions;
        this.orders = orders;
        this.admission = admission;
    }

    /**
     * The signal of the order's change to final, shared by everyone waiting for it and kept until it fires. Take it
     * before reading the order, so a change committed between the read and the wait is not missed.
     */
    public CompletableFuture<Void> signalFor(String orderId) {
        return signals.computeIfAbsent(orderId, id -> new CompletableFuture<>());
    }

    /** Fires the order's signal once the current transaction commits; called where the order becomes final. */
    void finalOnCommit(String orderId) {
        AfterCommit.run(transactions, () -> isFinal(orderId));
    }

    /** The order is no longer PENDING, or is gone (its saga never started): wakes its waiters, frees its place. */
    public void isFinal(String orderId) {
        admission.finished(orderId);
        CompletableFuture<Void> signal = signals.remove(orderId);
        if (signal != null) {
            signal.complete(null);
        }
    }

    /**
     * Re-reads the watched orders (waited for, or holding an admission place) and fires those that are final:
     * a callback that reached another replica made them so. Also lets the admission control look at its sagas in
     * flight.
     */
    public void recheck() {
        admission.review();
        Set<String> watched = new HashSet<>(signals.keySet());
        watched.addAll(admission.acceptedOrders());
        List<String> ids = List.copyOf(watched);
        for (int from = 0; from < ids.size(); from += RECHECK_BATCH) {
            orders.notPendingAmong(ids.subList(from, Math.min(ids.size(), from + RECHECK_BATCH)))
                    .forEach(this::isFinal);
        }
    }
}
