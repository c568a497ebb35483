package io.k8saga.order.api;

import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderStatus;
import io.k8saga.order.domain.RejectionReason;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/** The JSON shape of an order in the public API; timestamps are ISO-8601 strings. */
public record OrderView(String orderId, String customerId, BigDecimal amount, String currency, OrderStatus status,
        RejectionReason rejectionReason, String sagaId, String createdAt, String updatedAt) {

    static OrderView of(Order order) {
        return new OrderView(order.orderId(), order.customerId(), order.amount(), order.currency(), order.status(),
                order.visibleRejectionReason(), order.sagaId(), iso(order.createdAt()), iso(order.updatedAt()));
    }

    private static String iso(OffsetDateTime time) {
        return time.toInstant().toString();
    }
}
