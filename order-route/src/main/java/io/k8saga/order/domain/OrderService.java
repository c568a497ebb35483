package io.k8saga.order.domain;

import io.k8saga.common.api.ApiException;
import io.k8saga.order.repository.OrderChangeRepository;
import io.k8saga.order.repository.OrderRepository;
import io.k8saga.order.repository.OrderRepository.KeyedOrder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Orders and the decisions the saga takes about them; every state change is idempotent. */
@ApplicationScoped
public class OrderService {

    private final OrderRepository orders;
    private final OrderChangeRepository changes;
    private final OrderWatch watch;
    private final OrderMetrics metrics;

    OrderService(OrderRepository orders, OrderChangeRepository changes, OrderWatch watch, OrderMetrics metrics) {
        this.orders = orders;
        this.changes = changes;
        this.watch = watch;
        this.metrics = metrics;
    }

    /**
     * Stores a new PENDING order, or returns the one placed earlier under the same idempotency key.
     * The same key with a different request is refused with 422.
     */
    @Transactional
    public Placement place(OrderRequest request, String idempotencyKey) {
        Optional<Order> earlier = placedEarlier(request, idempotencyKey);
        if (earlier.isPresent()) {
            return new Placement(earlier.get(), false);
        }
        OffsetDateTime now = OffsetDateTime.now().truncatedTo(ChronoUnit.MILLIS);
        Order order = Order.pending(UUID.randomUUID().toString(), request, now);
        orders.insert(order, idempotencyKey, request.fingerprint());
        return new Placement(order, true);
    }

    /**
     * The order placed earlier under the idempotency key, if any (none without a key); 422 when that order was
     * placed by a different request.
     */
    public Optional<Order> placedEarlier(OrderRequest request, String idempotencyKey) {
        if (idempotencyKey == null) {
            return Optional.empty();
        }
        Optional<KeyedOrder> earlier = orders.findByIdempotencyKey(idempotencyKey);
        if (earlier.isPresent() && !earlier.get().fingerprint().equals(request.fingerprint())) {
            throw new ApiException(422, "Idempotency-Key",
                    "Idempotency-Key was already used for a different order request");
        }
        return earlier.map(KeyedOrder::order);
    }

    public Optional<Order> find(String orderId) {
        return orders.find(orderId);
    }

    public List<Order> list(OrderQuery query) {
        return orders.list(query);
    }

    public Optional<Order> findBySagaId(String sagaId) {
        return orders.findBySagaId(sagaId);
    }

    /** Orders still PENDING although their saga started (or they were stored) longer ago than {@code olderThan}. */
    public List<Order> pendingLongerThan(Duration olderThan, int limit) {
        return orders.pendingSince(OffsetDateTime.now().minus(olderThan), limit);
    }

    public long count(OrderQuery query) {
        return orders.count(query);
    }

    /**
     * Records the order's LRA id, in place of {@code lostSagaId} when that is not null (an LRA the coordinator lost);
     * fails when the order was given up as an orphan or settled meanwhile.
     */
    @Transactional
    public void attachSaga(String orderId, String sagaId, String lostSagaId) {
        if (!orders.attachSaga(orderId, sagaId, lostSagaId)) {
            throw new IllegalStateException("order " + orderId + " is no longer waiting for its saga");
        }
        if (lostSagaId == null) {
            // Accepted: the first change the live streams show. A replacement LRA changes nothing they show.
            changes.record(orderId);
        }
    }

    /**
     * An order stored but never given an LRA (its process died before the saga started) would stay PENDING for
     * ever; once it is older than {@code olderThan} it is rejected with reason TIMEOUT, as its saga would have been.
     * Returns how many.
     */
    @Transactional
    public int rejectOrphans(Duration olderThan) {
        // Microseconds, as the databases keep it, so that the change log finds the rows by this time.
        OffsetDateTime now = OffsetDateTime.now().truncatedTo(ChronoUnit.MICROS);
        int rejected = orders.rejectWithoutSaga(now.minus(olderThan), now);
        if (rejected > 0) {
            changes.recordOrphansRejected(now);
        }
        metrics.orphansRejectedOnCommit(rejected);
        return rejected;
    }

    /** Removes an order whose saga could not start (the client may retry); it no longer holds an admission place. */
    @Transactional
    public void abandon(String orderId) {
        orders.deleteWithoutSaga(orderId);
        watch.finalOnCommit(orderId);
    }

    /** A participant refused: remember why, so the compensation can tell the client. */
    @Transactional
    public void recordRejectionReason(String orderId, RejectionReason reason) {
        orders.recordRejectionReason(orderId, reason);
    }

    /**
     * Approves the order; with a {@code sagaId} (a completion callback) only if that LRA is the order's saga. True
     * when it approved the order (false: it was final already, or belongs to another saga).
     */
    @Transactional
    public boolean approve(String orderId, String sagaId) {
        return madeFinal(orderId, sagaId == null ? orders.approve(orderId) : orders.approveInSaga(orderId, sagaId));
    }

    /**
     * Rejects the order with the recorded reason, or TIMEOUT when nobody refused; with a {@code sagaId} (a
     * compensation callback) only if that LRA is the order's saga. An order that recorded no saga is left alone: the
     * cancelled LRA is one whose start order-route did not live to record, and the order gets a saga of its own
     * from OrderResumer (or is rejected by the orphan check once too old). True when it rejected the order.
     */
    @Transactional
    public boolean reject(String orderId, String sagaId) {
        return madeFinal(orderId, sagaId == null ? orders.reject(orderId) : orders.rejectInSaga(orderId, sagaId));
    }

    /**
     * Orders stored without an LRA, older than {@code olderThan} (no request is still starting their saga) and
     * younger than {@code youngerThan} (the orphan check has not given them up).
     */
    public List<Order> withoutSaga(Duration olderThan, Duration youngerThan, int limit) {
        OffsetDateTime now = OffsetDateTime.now();
        return orders.withoutSaga(now.minus(youngerThan), now.minus(olderThan), limit);
    }

    /** Takes an order without an LRA for starting its saga; false when another caller took it first. */
    @Transactional
    public boolean claimWithoutSaga(Order order) {
        return orders.claimWithoutSaga(order);
    }

    private boolean madeFinal(String orderId, boolean changed) {
        if (changed) {
            changes.record(orderId);
            watch.finalOnCommit(orderId);
            orders.find(orderId).ifPresent(metrics::endedOnCommit);
        }
        return changed;
    }
}
