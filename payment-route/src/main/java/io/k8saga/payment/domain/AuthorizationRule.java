package io.k8saga.payment.domain;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The simulated provider's decision: it declines the test token {@value #DECLINED_TOKEN} and any amount above
 * {@code maxAmount}, and authorizes everything else.
 */
public record AuthorizationRule(BigDecimal maxAmount) {

    /** The payment token that is always declined, so that tests and demos can fail the payment step on purpose. */
    public static final String DECLINED_TOKEN = "tok_declined";

    public AuthorizationRule {
        Objects.requireNonNull(maxAmount, "maxAmount");
        if (maxAmount.signum() < 0) {
            throw new IllegalArgumentException("payment.max-amount must not be negative, was " + maxAmount);
        }
    }

    public boolean declines(BigDecimal amount, String paymentToken) {
        return DECLINED_TOKEN.equals(paymentToken) || amount.compareTo(maxAmount) > 0;
    }

    public PaymentStatus decide(BigDecimal amount, String paymentToken) {
        return declines(amount, paymentToken) ? PaymentStatus.DECLINED : PaymentStatus.AUTHORIZED;
    }
}
