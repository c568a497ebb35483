package io.k8saga.order.domain;

import java.math.BigDecimal;
import java.time.Instant;

/**
 * A participant's row for one order, as its API shows it: a credit reservation (credit-route) or a payment
 * (payment-route). {@code createdAt} is when the participant decided, {@code updatedAt} its last change.
 */
public record ParticipantRecord(String status, BigDecimal amount, String currency, Instant createdAt,
        Instant updatedAt) {
}
