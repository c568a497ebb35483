package io.k8saga.common.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;

/** Published by payment-route on {@code payment-events}: the outcome of authorizing one order's payment. */
public record PaymentEvent(
        Type type,
        String orderId,
        String paymentId,
        BigDecimal amount,
        String currency) {

    public enum Type {
        @JsonProperty("PaymentAuthorized") PAYMENT_AUTHORIZED,
        @JsonProperty("PaymentDeclined") PAYMENT_DECLINED
    }
}
