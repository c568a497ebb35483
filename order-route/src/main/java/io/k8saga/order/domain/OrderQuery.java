package io.k8saga.order.domain;

/** A page of orders, optionally filtered by customer and status (nulls mean no filter). */
public record OrderQuery(String customerId, OrderStatus status, int page, int size) {
}
