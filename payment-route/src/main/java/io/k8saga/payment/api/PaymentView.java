package io.k8saga.payment.api;

import io.k8saga.payment.domain.Payment;
import io.k8saga.payment.domain.PaymentStatus;
import java.math.BigDecimal;

/** The JSON shape of a payment in the public API. */
public record PaymentView(String paymentId, String orderId, BigDecimal amount, String currency,
        PaymentStatus status) {

    static PaymentView of(Payment payment) {
        return new PaymentView(payment.paymentId(), payment.orderId(), payment.amount(), payment.currency(),
                payment.status());
    }
}
