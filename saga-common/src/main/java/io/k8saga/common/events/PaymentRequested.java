package io.k8saga.common.events;

import java.math.BigDecimal;

/**
 * Published by order-route on {@code payment-requests} when an order's saga starts: what payment-route needs to
 * charge the order, payment token included. Only payment-route reads that topic, so the token never reaches a
 * service that has no use for it; the payment step waits for this record before it authorizes.
 */
public record PaymentRequested(
        String orderId,
        String customerId,
        BigDecimal amount,
        String currency,
        String paymentToken) {

    /** Without the payment token: this text goes into logs and dead-letter reasons. */
    @Override
    public String toString() {
        return "PaymentRequested[orderId=" + orderId + ", customerId=" + customerId + ", amount=" + amount
                + ", currency=" + currency + ", paymentToken=" + PaymentTokens.redacted(paymentToken) + "]";
    }
}
