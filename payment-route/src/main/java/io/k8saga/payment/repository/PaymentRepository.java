package io.k8saga.payment.repository;

import io.k8saga.common.db.Dated;
import io.k8saga.common.db.Sql;
import io.k8saga.payment.domain.Payment;
import io.k8saga.payment.domain.PaymentStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

@ApplicationScoped
public class PaymentRepository {

    private static final String COLUMNS = "payment_id, order_id, customer_id, amount, currency, status";

    private final Sql sql;

    PaymentRepository(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    /** The order's real payments; a tombstone has no amount and is not one. */
    public List<Dated<Payment>> findByOrder(String orderId) {
        return sql.list("SELECT " + COLUMNS + ", created_at, updated_at FROM payment WHERE order_id = ?"
                + " AND amount IS NOT NULL ORDER BY created_at", row -> new Dated<>(map(row),
                        row.getObject(7, OffsetDateTime.class), row.getObject(8, OffsetDateTime.class)), orderId);
    }

    /** Reads the order's row, tombstone included, and locks it until the transaction ends. */
    public Optional<Payment> lockByOrder(String orderId) {
        return sql.one("SELECT " + COLUMNS + " FROM payment WHERE order_id = ? FOR UPDATE", PaymentRepository::map,
                orderId);
    }

    /** Fails with a unique violation when the order has a row already: callers retry and re-read. */
    public void insert(Payment payment) {
        OffsetDateTime now = OffsetDateTime.now();
        sql.update("INSERT INTO payment (" + COLUMNS + ", created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                payment.paymentId(), payment.orderId(), payment.customerId(), payment.amount(), payment.currency(),
                payment.status().name(), now, now);
    }

    public void updateStatus(Payment payment) {
        sql.update("UPDATE payment SET status = ?, updated_at = ? WHERE payment_id = ?",
                payment.status().name(), OffsetDateTime.now(), payment.paymentId());
    }

    private static Payment map(ResultSet row) throws SQLException {
        return new Payment(row.getString(1), row.getString(2), row.getString(3), row.getBigDecimal(4),
                row.getString(5), PaymentStatus.valueOf(row.getString(6)));
    }
}
