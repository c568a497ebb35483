package io.k8saga.common.events;

import java.math.BigDecimal;

/** Published by order-route on {@code order-events} when an order's saga starts. */
public record OrderCreated(
        String orderId,
        String customerId,
        BigDecimal amount,
        String currency,
        String paymentToken) {

    /** Without the payment token: this text goes into logs and dead-letter reasons. */
    @Override
    public String toString() {
        return "OrderCreated[orderId=" + orderId + ", customerId=" + customerId + ", amount=" + amount + ", currency="
                + currency + ", paymentToken=" + PaymentTokens.redacted(paymentToken) + "]";
    }
}
