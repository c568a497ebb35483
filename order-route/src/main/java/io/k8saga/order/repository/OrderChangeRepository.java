package io.k8saga.order.repository;

import io.k8saga.common.db.Sql;
import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderChange;
import io.k8saga.order.domain.OrderStatus;
import io.k8saga.order.domain.RejectionReason;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import javax.sql.DataSource;

/** The log of the orders' status changes (order_changes), each with the order as it was after the change. */
@ApplicationScoped
public class OrderChangeRepository {

    private static final String SELECT = "SELECT c.seq, o.order_id, o.customer_id, o.amount, o.currency,"
            + " c.status, c.rejection_reason, o.saga_id, o.created_at, c.changed_at"
            + " FROM order_changes c JOIN orders o ON o.order_id = c.order_id";

    private final Sql sql;

    OrderChangeRepository(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    /** Records the order's current status as a change, in the caller's transaction. */
    public void record(String orderId) {
        sql.update("INSERT INTO order_changes (order_id, customer_id, status, rejection_reason, changed_at)"
                + " SELECT order_id, customer_id, status, rejection_reason, updated_at FROM orders WHERE order_id = ?",
                orderId);
    }

    /** Records the rejection of the orphans rejected at {@code rejectedAt}, each once. */
    public void recordOrphansRejected(OffsetDateTime rejectedAt) {
        sql.update("INSERT INTO order_changes (order_id, customer_id, status, rejection_reason, changed_at)"
                + " SELECT order_id, customer_id, status, rejection_reason, updated_at FROM orders o"
                + " WHERE status = 'REJECTED' AND saga_id IS NULL AND updated_at = ? AND NOT EXISTS"
                + " (SELECT 1 FROM order_changes c WHERE c.order_id = o.order_id AND c.status = 'REJECTED')",
                rejectedAt);
    }

    /** The changes after {@code seq}, oldest first, at most {@code limit}. */
    public List<OrderChange> after(long seq, int limit) {
        return sql.list(SELECT + " WHERE c.seq > ? ORDER BY c.seq LIMIT ?", OrderChangeRepository::map, seq, limit);
    }

    /** One order's changes after {@code seq}, oldest first. */
    public List<OrderChange> ofOrderAfter(String orderId, long seq, int limit) {
        return sql.list(SELECT + " WHERE c.order_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?",
                OrderChangeRepository::map, orderId, seq, limit);
    }

    /** One customer's changes after {@code seq}, oldest first. */
    public List<OrderChange> ofCustomerAfter(String customerId, long seq, int limit) {
        return sql.list(SELECT + " WHERE c.customer_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?",
                OrderChangeRepository::map, customerId, seq, limit);
    }

    /** The newest change's seq, 0 when there is none. */
    public long latest() {
        return sql.count("SELECT COALESCE(MAX(seq), 0) FROM order_changes");
    }

    /** Deletes the changes older than {@code cutoff}; how many. */
    public int deleteOlderThan(OffsetDateTime cutoff) {
        return sql.update("DELETE FROM order_changes WHERE changed_at < ?", cutoff);
    }

    private static OrderChange map(ResultSet row) throws SQLException {
        String reason = row.getString(7);
        OffsetDateTime changedAt = row.getObject(10, OffsetDateTime.class);
        // The order as the change left it: its status, reason and time are the change's.
        Order order = new Order(row.getString(2), row.getString(3), row.getBigDecimal(4), row.getString(5), null,
                OrderStatus.valueOf(row.getString(6)), reason == null ? null : RejectionReason.valueOf(reason),
                row.getString(8), null, row.getObject(9, OffsetDateTime.class), changedAt);
        return new OrderChange(row.getLong(1), order);
    }
}
