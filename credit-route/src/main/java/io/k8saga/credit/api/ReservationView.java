package io.k8saga.credit.api;

import io.k8saga.common.db.Dated;
import io.k8saga.credit.domain.Reservation;
import io.k8saga.credit.domain.ReservationStatus;
import java.math.BigDecimal;

/**
 * The JSON shape of a customer's credit reservation for one order in the public API: {@code createdAt} is when
 * credit-route decided (reserved or refused), {@code updatedAt} its last change (confirmed or released); ISO-8601.
 */
public record ReservationView(String orderId, BigDecimal amount, ReservationStatus status, String createdAt,
        String updatedAt) {

    static ReservationView of(Dated<Reservation> dated) {
        Reservation reservation = dated.value();
        return new ReservationView(reservation.orderId(), reservation.amount(), reservation.status(),
                dated.createdAt().toInstant().toString(), dated.updatedAt().toInstant().toString());
    }
}
