package io.k8saga.common.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;

/**
 * Published by credit-route on {@code customer-events}: the outcome of reserving credit for one order. Without the
 * payment token, which payment-route gets on a topic of its own ({@link PaymentRequested}); unknown fields are
 * ignored, so records of earlier versions, which carried it, are still read.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CreditEvent(
        Type type,
        String orderId,
        String customerId,
        BigDecimal amount,
        String currency) {

    public enum Type {
        @JsonProperty("CreditReserved") CREDIT_RESERVED,
        @JsonProperty("CreditLimitExceeded") CREDIT_LIMIT_EXCEEDED,
        @JsonProperty("CustomerNotFound") CUSTOMER_NOT_FOUND
    }

    public static CreditEvent of(Type type, OrderCreated order) {
        return new CreditEvent(type, order.orderId(), order.customerId(), order.amount(), order.currency());
    }
}
