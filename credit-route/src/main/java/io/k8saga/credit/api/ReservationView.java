package io.k8saga.credit.api;

import io.k8saga.credit.domain.Reservation;
import io.k8saga.credit.domain.ReservationStatus;
import java.math.BigDecimal;

/** The JSON shape of a customer's credit reservation for one order in the public API. */
public record ReservationView(String orderId, BigDecimal amount, ReservationStatus status) {

    static ReservationView of(Reservation reservation) {
        return new ReservationView(reservation.orderId(), reservation.amount(), reservation.status());
    }
}
