package io.k8saga.payment.domain;

import java.math.BigDecimal;

/**
 * One order's payment, for the order's customer. A tombstone, left by a compensation that arrived before the
 * authorize step, is a VOIDED payment without customer, amount and currency: it is never shown as a payment, and it
 * refuses a late authorization.
 */
public record Payment(String paymentId, String orderId, String customerId, BigDecimal amount, String currency,
        PaymentStatus status) {

    public static Payment tombstone(String paymentId, String orderId) {
        return new Payment(paymentId, orderId, null, null, null, PaymentStatus.VOIDED);
    }

    public boolean isTombstone() {
        return amount == null;
    }

    public Payment voided() {
        return withStatus(status.afterVoid());
    }

    public Payment rejected() {
        return withStatus(status.afterRejection());
    }

    public Payment captured() {
        return withStatus(status.afterCapture());
    }

    private Payment withStatus(PaymentStatus newStatus) {
        return new Payment(paymentId, orderId, customerId, amount, currency, newStatus);
    }
}
