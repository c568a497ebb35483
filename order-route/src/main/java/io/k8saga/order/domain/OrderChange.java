package io.k8saga.order.domain;

/**
 * A status change of an order, numbered in the order they were recorded ({@code seq}), with the order as the change
 * left it (no payment token).
 */
public record OrderChange(long seq, Order order) {
}
