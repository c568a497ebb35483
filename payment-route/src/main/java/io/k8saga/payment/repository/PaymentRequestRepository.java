package io.k8saga.payment.repository;

import io.k8saga.common.db.Sql;
import io.k8saga.common.events.PaymentRequested;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.Optional;
import javax.sql.DataSource;

/** The payment requests of the orders, one per order, the first kept (a repeat carries the same order). */
@ApplicationScoped
public class PaymentRequestRepository {

    private final Sql sql;

    PaymentRequestRepository(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    /** Stores the request unless the order has one; two racing inserts: the loser's unique violation is retried. */
    public void insertIfAbsent(PaymentRequested request) {
        if (find(request.orderId()).isPresent()) {
            return;
        }
        sql.update("INSERT INTO payment_request (order_id, customer_id, amount, currency, payment_token, received_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", request.orderId(), request.customerId(), request.amount(),
                request.currency(), request.paymentToken(), OffsetDateTime.now());
    }

    /** The order's request; its token is null once the payment step used it. */
    public Optional<PaymentRequested> find(String orderId) {
        return sql.one("SELECT order_id, customer_id, amount, currency, payment_token FROM payment_request"
                + " WHERE order_id = ?", row -> new PaymentRequested(row.getString(1), row.getString(2),
                        row.getBigDecimal(3), row.getString(4), row.getString(5)), orderId);
    }

    /** Forgets the order's payment token: the payment step has used it. */
    public void eraseToken(String orderId) {
        sql.update("UPDATE payment_request SET payment_token = NULL WHERE order_id = ?", orderId);
    }
}
