package io.k8saga.order.domain;

/** The result of placing an order: {@code isNew} is false when an idempotency key replayed an earlier order. */
public record Placement(Order order, boolean isNew) {
}
