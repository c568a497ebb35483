package io.k8saga.payment.api;

import io.k8saga.common.db.Dated;
import io.k8saga.payment.domain.Payment;
import io.k8saga.payment.domain.PaymentStatus;
import java.math.BigDecimal;

/**
 * The JSON shape of a payment in the public API: {@code createdAt} is when payment-route decided (authorized or
 * declined), {@code updatedAt} its last change (captured, voided or refunded); ISO-8601.
 */
public record PaymentView(String paymentId, String orderId, BigDecimal amount, String currency,
        PaymentStatus status, String createdAt, String updatedAt) {

    static PaymentView of(Dated<Payment> dated) {
        Payment payment = dated.value();
        return new PaymentView(payment.paymentId(), payment.orderId(), payment.amount(), payment.currency(),
                payment.status(), dated.createdAt().toInstant().toString(), dated.updatedAt().toInstant().toString());
    }
}
