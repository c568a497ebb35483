package io.k8saga.payment.domain;

import java.math.BigDecimal;

/**
 * One order's payment. A tombstone, left by a compensation that arrived before the authorize step, is a VOIDED
 * payment without amount and currency: it is never shown as a payment, and it refuses a late authorization.
 */
public record Payment(String paymentId, String orderId, BigDecimal amount, String currency, PaymentStatus status) {

    public static Payment tombstone(String paymentId, String orderId) {
        return new Payment(paymentId, orderId, null, null, PaymentStatus.VOIDED);
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
        return new Payment(paymentId, orderId, amount, currency, newStatus);
    }
}
