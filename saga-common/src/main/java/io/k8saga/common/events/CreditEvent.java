package io.k8saga.common.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;

/**
 * Published by credit-route on {@code customer-events}: the outcome of reserving credit for one order.
 * It carries the order's payment details forward so payment-route needs no second lookup.
 */
public record CreditEvent(
        Type type,
        String orderId,
        String customerId,
        BigDecimal amount,
        String currency,
        String paymentToken) {

    public enum Type {
        @JsonProperty("CreditReserved") CREDIT_RESERVED,
        @JsonProperty("CreditLimitExceeded") CREDIT_LIMIT_EXCEEDED,
        @JsonProperty("CustomerNotFound") CUSTOMER_NOT_FOUND
    }

    public static CreditEvent of(Type type, OrderCreated order) {
        return new CreditEvent(type, order.orderId(), order.customerId(), order.amount(), order.currency(),
                order.paymentToken());
    }

    /** Without the payment token: this text goes into logs and dead-letter reasons. */
    @Override
    public String toString() {
        return "CreditEvent[type=" + type + ", orderId=" + orderId + ", customerId=" + customerId + ", amount="
                + amount + ", currency=" + currency + ", paymentToken=" + PaymentTokens.redacted(paymentToken) + "]";
    }
}
