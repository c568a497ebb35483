package io.k8saga.order.api;

import java.util.List;

/** One page of {@code GET /api/orders}. */
public record OrderPage(List<OrderView> items, int page, int size, long total) {
}
