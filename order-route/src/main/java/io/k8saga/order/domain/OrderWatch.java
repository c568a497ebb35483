package io.k8saga.order.domain;

import io.k8saga.common.db.AfterCommit;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Wakes the readers waiting for an order to become final (a long-polling {@code GET}) as soon as the transaction
 * that made it final commits, instead of letting them poll. Only readers in this process hear of it; they re-read
 * on their own now and then as well, for the order a callback made final in another replica.
 */
@ApplicationScoped
public class OrderWatch {

    private final ConcurrentMap<String, CompletableFuture<Void>> signals = new ConcurrentHashMap<>();
    private final TransactionSynchronizationRegistry transactions;

    OrderWatch(TransactionSynchronizationRegistry transactions) {
        this.transactions = transactions;
    }

    /**
     * The signal of the order's next change to final. Take it before reading the order, so a change committed
     * between the read and the wait is not missed.
     */
    CompletableFuture<Void> signalFor(String orderId) {
        return signals.computeIfAbsent(orderId, id -> new CompletableFuture<>());
    }

    /** Drops a signal nobody waits for any more; a reader still holding it re-reads on its own schedule. */
    void forget(String orderId, CompletableFuture<Void> signal) {
        signals.remove(orderId, signal);
    }

    /** Fires the order's signal once the current transaction commits; called where the order becomes final. */
    void finalOnCommit(String orderId) {
        AfterCommit.run(transactions, () -> {
            CompletableFuture<Void> signal = signals.remove(orderId);
            if (signal != null) {
                signal.complete(null);
            }
        });
    }
}
