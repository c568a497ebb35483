package io.k8saga.credit.domain;

import java.math.BigDecimal;

/** The credit one order asked for; {@code customerId} is null for a tombstone. */
public record Reservation(String orderId, String customerId, BigDecimal amount, ReservationStatus status) {

    public static Reservation tombstone(String orderId) {
        return new Reservation(orderId, null, BigDecimal.ZERO, ReservationStatus.RELEASED);
    }

    public Reservation withStatus(ReservationStatus newStatus) {
        return new Reservation(orderId, customerId, amount, newStatus);
    }
}
