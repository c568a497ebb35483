package io.k8saga.order.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.k8saga.common.api.Caller;
import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderStatus;
import io.k8saga.order.domain.RejectionReason;
import java.math.BigDecimal;
import java.time.OffsetDateTime;

/**
 * The JSON shape of an order in the public API; timestamps are ISO-8601 strings. {@code sagaId} (the LRA's URL at
 * an internal coordinator) only for an administrator: null, so left out, for a customer.
 */
public record OrderView(String orderId, String customerId, BigDecimal amount, String currency, OrderStatus status,
        RejectionReason rejectionReason, @JsonInclude(JsonInclude.Include.NON_NULL) String sagaId, String createdAt,
        String updatedAt) {

    /** The order as an administrator sees it. */
    static OrderView of(Order order) {
        return new OrderView(order.orderId(), order.customerId(), order.amount(), order.currency(), order.status(),
                order.visibleRejectionReason(), order.sagaId(), iso(order.createdAt()), iso(order.updatedAt()));
    }

    /** The order as {@code caller} may see it. */
    static OrderView of(Order order, Caller caller) {
        OrderView view = of(order);
        return caller.isAdmin() ? view : new OrderView(view.orderId, view.customerId, view.amount, view.currency,
                view.status, view.rejectionReason, null, view.createdAt, view.updatedAt);
    }

    private static String iso(OffsetDateTime time) {
        return time.toInstant().toString();
    }
}
