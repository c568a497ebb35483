package io.k8saga.order.api;

/** The answer to {@code POST /api/orders}: the order, with 202 when it is new and 200 when a key replayed it. */
public record PlacedOrder(OrderView order, int httpStatus) {
}
