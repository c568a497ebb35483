package io.k8saga.common.events;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.math.BigDecimal;

/**
 * Published by order-route on {@code order-events} when an order's saga starts. No payment token: that goes to
 * payment-route alone ({@link PaymentRequested}). Unknown fields are ignored, so records of earlier versions, which
 * carried the token, are still read.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OrderCreated(
        String orderId,
        String customerId,
        BigDecimal amount,
        String currency) {
}
