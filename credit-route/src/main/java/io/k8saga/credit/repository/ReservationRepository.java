package io.k8saga.credit.repository;

import io.k8saga.common.db.Dated;
import io.k8saga.common.db.Sql;
import io.k8saga.credit.domain.Reservation;
import io.k8saga.credit.domain.ReservationStatus;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

@ApplicationScoped
public class ReservationRepository {

    private final Sql sql;

    ReservationRepository(DataSource dataSource) {
        this.sql = new Sql(dataSource);
    }

    public Optional<Reservation> lock(String orderId) {
        return sql.one("SELECT order_id, customer_id, amount, status FROM credit_reservation"
                + " WHERE order_id = ? FOR UPDATE", ReservationRepository::map, orderId);
    }

    /** The customer's reservations, oldest change first (tombstones belong to no customer). */
    public List<Dated<Reservation>> ofCustomer(String customerId) {
        return sql.list("SELECT order_id, customer_id, amount, status, created_at, updated_at FROM credit_reservation"
                + " WHERE customer_id = ? ORDER BY updated_at, order_id", ReservationRepository::mapDated, customerId);
    }

    /** The customer's reservation for one order, if any (a tombstone belongs to no customer). */
    public List<Dated<Reservation>> ofCustomerOrder(String customerId, String orderId) {
        return sql.list("SELECT order_id, customer_id, amount, status, created_at, updated_at FROM credit_reservation"
                + " WHERE customer_id = ? AND order_id = ?", ReservationRepository::mapDated, customerId, orderId);
    }

    /** Fails with a unique violation when a row for the order exists already: callers retry and re-read. */
    public void insert(Reservation reservation) {
        OffsetDateTime now = OffsetDateTime.now();
        sql.update("INSERT INTO credit_reservation (order_id, customer_id, amount, status, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?)", reservation.orderId(), reservation.customerId(), reservation.amount(),
                reservation.status().name(), now, now);
    }

    public void updateStatus(Reservation reservation) {
        sql.update("UPDATE credit_reservation SET status = ?, updated_at = ? WHERE order_id = ?",
                reservation.status().name(), OffsetDateTime.now(), reservation.orderId());
    }

    private static Dated<Reservation> mapDated(ResultSet row) throws SQLException {
        return new Dated<>(map(row), row.getObject(5, OffsetDateTime.class), row.getObject(6, OffsetDateTime.class));
    }

    private static Reservation map(ResultSet row) throws SQLException {
        return new Reservation(row.getString(1), row.getString(2), row.getBigDecimal(3),
                ReservationStatus.valueOf(row.getString(4)));
    }
}
