package io.k8saga.order.repository;

import io.k8saga.common.db.Sql;
import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderQuery;
import io.k8saga.order.domain.OrderStatus;
import io.k8saga.order.domain.RejectionReason;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Orders table. The state changes are conditional updates on PENDING, so a callback that comes twice or late
 * changes nothing, and the return value says whether it did.
 */
@ApplicationScoped
public class OrderRepository {

    private static final String COLUMNS = "order_id, customer_id, amount, currency, payment_token, status,"
            + " rejection_reason, saga_id, saga_started_at, created_at, updated_at";

    private final Sql sql;

    OrderRepository(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    /** Fails with a unique violation when another order holds the idempotency key. */
    public void insert(Order order, String idempotencyKey, String fingerprint) {
        sql.update("INSERT INTO orders (" + COLUMNS + ", idempotency_key, request_fingerprint)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                order.orderId(), order.customerId(), order.amount(), order.currency(), order.paymentToken(),
                order.status().name(), null, null, null, order.createdAt(), order.updatedAt(), idempotencyKey,
                fingerprint);
    }

    public Optional<Order> find(String orderId) {
        return sql.one("SELECT " + COLUMNS + " FROM orders WHERE order_id = ?", OrderRepository::map, orderId);
    }

    /** The order placed under an idempotency key, with the fingerprint of the request that placed it. */
    public Optional<KeyedOrder> findByIdempotencyKey(String key) {
        return sql.one("SELECT " + COLUMNS + ", request_fingerprint FROM orders WHERE idempotency_key = ?",
                row -> new KeyedOrder(map(row), row.getString(12)), key);
    }

    public record KeyedOrder(Order order, String fingerprint) {
    }

    public List<Order> list(OrderQuery query) {
        Filter filter = Filter.of(query);
        List<Object> params = new ArrayList<>(filter.params());
        params.add(query.size());
        params.add((long) query.page() * query.size());
        return sql.list("SELECT " + COLUMNS + " FROM orders" + filter.where()
                + " ORDER BY created_at, order_id LIMIT ? OFFSET ?", OrderRepository::map, params.toArray());
    }

    public long count(OrderQuery query) {
        Filter filter = Filter.of(query);
        return sql.count("SELECT COUNT(*) FROM orders" + filter.where(), filter.params().toArray());
    }

    /**
     * Records the order's LRA, in place of {@code lostSagaId} (null: the order has none yet); false when it has
     * another one or is no longer PENDING (rejected as an orphan).
     */
    public boolean attachSaga(String orderId, String sagaId, String lostSagaId) {
        OffsetDateTime now = OffsetDateTime.now();
        return sql.update("UPDATE orders SET saga_id = ?, saga_started_at = ?, updated_at = ?"
                + " WHERE order_id = ? AND (saga_id IS NULL OR saga_id = ?) AND status = 'PENDING'",
                sagaId, now, now, orderId, lostSagaId) == 1;
    }

    /**
     * Rejects, with reason TIMEOUT and time {@code rejectedAt}, the PENDING orders created before {@code cutoff} that
     * never got an LRA.
     */
    public int rejectWithoutSaga(OffsetDateTime cutoff, OffsetDateTime rejectedAt) {
        return sql.update("UPDATE orders SET status = 'REJECTED', rejection_reason = ?, updated_at = ?"
                + " WHERE status = 'PENDING' AND saga_id IS NULL AND created_at < ?",
                RejectionReason.TIMEOUT.name(), rejectedAt, cutoff);
    }

    /** Remembers why a participant refused; the first reason wins. */
    public boolean recordRejectionReason(String orderId, RejectionReason reason) {
        return sql.update("UPDATE orders SET rejection_reason = ?, updated_at = ?"
                + " WHERE order_id = ? AND status = 'PENDING' AND rejection_reason IS NULL",
                reason.name(), OffsetDateTime.now(), orderId) == 1;
    }

    public boolean approve(String orderId) {
        return sql.update("UPDATE orders SET status = 'APPROVED', updated_at = ?"
                + " WHERE order_id = ? AND status = 'PENDING'", OffsetDateTime.now(), orderId) == 1;
    }

    /** Approves a pending order whose saga is the given LRA. */
    public boolean approveInSaga(String orderId, String sagaId) {
        return sql.update("UPDATE orders SET status = 'APPROVED', updated_at = ?"
                + " WHERE order_id = ? AND status = 'PENDING' AND saga_id = ?", OffsetDateTime.now(), orderId,
                sagaId) == 1;
    }

    /** Rejects a pending order with its recorded reason, or TIMEOUT when no participant gave one. */
    public boolean reject(String orderId) {
        return sql.update("UPDATE orders SET status = 'REJECTED', rejection_reason = COALESCE(rejection_reason, ?),"
                + " updated_at = ? WHERE order_id = ? AND status = 'PENDING'",
                RejectionReason.TIMEOUT.name(), OffsetDateTime.now(), orderId) == 1;
    }

    /** Rejects a pending order whose saga is the given LRA. */
    public boolean rejectInSaga(String orderId, String sagaId) {
        return sql.update("UPDATE orders SET status = 'REJECTED', rejection_reason = COALESCE(rejection_reason, ?),"
                + " updated_at = ? WHERE order_id = ? AND status = 'PENDING' AND saga_id = ?",
                RejectionReason.TIMEOUT.name(), OffsetDateTime.now(), orderId, sagaId) == 1;
    }

    /** PENDING orders without an LRA created between {@code after} and {@code before}, oldest first. */
    public List<Order> withoutSaga(OffsetDateTime after, OffsetDateTime before, int limit) {
        return sql.list("SELECT " + COLUMNS + " FROM orders WHERE status = 'PENDING' AND saga_id IS NULL"
                + " AND created_at > ? AND created_at < ? ORDER BY created_at, order_id LIMIT ?",
                OrderRepository::map, after, before, limit);
    }

    /**
     * Takes an order without an LRA for starting its saga: true for one caller only, the one whose update still
     * finds the order as it was read ({@code updated_at}), with no LRA and PENDING.
     */
    public boolean claimWithoutSaga(Order order) {
        return sql.update("UPDATE orders SET updated_at = ? WHERE order_id = ? AND status = 'PENDING'"
                + " AND saga_id IS NULL AND updated_at = ?", OffsetDateTime.now(), order.orderId(),
                order.updatedAt()) == 1;
    }

    /**
     * The PENDING orders whose time limit started before {@code cutoff} (at their LRA's start, or at their creation
     * while they have none), oldest first, at most {@code limit}. (An LRA starts after its order is created, so the
     * condition on created_at alone, which the index serves, holds for every such order.)
     */
    public List<Order> pendingSince(OffsetDateTime cutoff, int limit) {
        return sql.list("SELECT " + COLUMNS + " FROM orders WHERE status = 'PENDING' AND created_at < ?"
                + " AND COALESCE(saga_started_at, created_at) < ? ORDER BY created_at, order_id LIMIT ?",
                OrderRepository::map, cutoff, cutoff, limit);
    }

    /** Which of the given orders are no longer PENDING (or gone: an order whose saga never started is deleted). */
    public List<String> notPendingAmong(List<String> orderIds) {
        if (orderIds.isEmpty()) {
            return List.of();
        }
        Set<String> pending = new HashSet<>(sql.list("SELECT order_id FROM orders WHERE status = 'PENDING' AND order_id IN ("
                + String.join(", ", Collections.nCopies(orderIds.size(), "?")) + ")",
                row -> row.getString(1), orderIds.toArray()));
        return orderIds.stream().filter(id -> !pending.contains(id)).toList();
    }

    public Optional<Order> findBySagaId(String sagaId) {
        return sql.one("SELECT " + COLUMNS + " FROM orders WHERE saga_id = ?", OrderRepository::map, sagaId);
    }

    /** Removes an order whose saga never started, so the client can retry with the same idempotency key. */
    public boolean deleteWithoutSaga(String orderId) {
        return sql.update("DELETE FROM orders WHERE order_id = ? AND saga_id IS NULL", orderId) == 1;
    }

    private record Filter(String where, List<Object> params) {
        static Filter of(OrderQuery query) {
            List<String> conditions = new ArrayList<>();
            List<Object> params = new ArrayList<>();
            if (query.customerId() != null) {
                conditions.add("customer_id = ?");
                params.add(query.customerId());
            }
            if (query.status() != null) {
                conditions.add("status = ?");
                params.add(query.status().name());
            }
            return new Filter(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
        }
    }

    private static Order map(ResultSet row) throws SQLException {
        String reason = row.getString(7);
        return new Order(row.getString(1), row.getString(2), row.getBigDecimal(3), row.getString(4),
                row.getString(5), OrderStatus.valueOf(row.getString(6)),
                reason == null ? null : RejectionReason.valueOf(reason), row.getString(8),
                row.getObject(9, OffsetDateTime.class), row.getObject(10, OffsetDateTime.class),
                row.getObject(11, OffsetDateTime.class));
    }
}
