package io.k8saga.order.domain;

import io.k8saga.common.events.PaymentTokens;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * An order and where its saga stands. {@code rejectionReason} may be set while still PENDING: a participant
 * refused and the compensation is on its way. {@code sagaStartedAt} is null until the order has an LRA.
 */
public record Order(
        String orderId,
        String customerId,
        BigDecimal amount,
        String currency,
        String paymentToken,
        OrderStatus status,
        RejectionReason rejectionReason,
        String sagaId,
        OffsetDateTime sagaStartedAt,
        OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    public static Order pending(String orderId, OrderRequest request, OffsetDateTime now) {
        return new Order(orderId, request.customerId(), request.amount(), request.currency(), request.paymentToken(),
                OrderStatus.PENDING, null, null, null, now, now);
    }

    /** Without the payment token: this text may go into logs. */
    @Override
    public String toString() {
        return "Order[orderId=" + orderId + ", customerId=" + customerId + ", amount=" + amount + ", currency="
                + currency + ", paymentToken=" + PaymentTokens.redacted(paymentToken) + ", status=" + status
                + ", rejectionReason=" + rejectionReason + ", sagaId=" + sagaId + ", sagaStartedAt=" + sagaStartedAt
                + ", createdAt=" + createdAt + ", updatedAt=" + updatedAt + "]";
    }

    /** The reason to show: only a rejected order has one. */
    public RejectionReason visibleRejectionReason() {
        return status == OrderStatus.REJECTED ? rejectionReason : null;
    }
}
