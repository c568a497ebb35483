package io.k8saga.common.api;

import java.util.Objects;

/**
 * Who sent a public API request, as its verified bearer token says ({@link ApiAuthentication}): an administrator,
 * who may do everything, or one customer, who may reach only its own customer record, orders and payments.
 *
 * @param name the token's principal (its {@code sub}, or {@code upn} / {@code preferred_username})
 * @param customerId the customer a {@code customer} token speaks for; null for an administrator
 */
public record Caller(String name, String customerId) {

    public Caller {
        Objects.requireNonNull(name, "name");
    }

    public static Caller admin(String name) {
        return new Caller(name, null);
    }

    public static Caller customer(String name, String customerId) {
        return new Caller(name, Objects.requireNonNull(customerId, "customerId"));
    }

    public boolean isAdmin() {
        return customerId == null;
    }

    /** Whether the caller may see what belongs to that customer. */
    public boolean mayReach(String ownerCustomerId) {
        return isAdmin() || customerId.equals(ownerCustomerId);
    }

    /** Refuses (403) a request only an administrator may make. */
    public void requireAdmin(String what) {
        if (!isAdmin()) {
            throw ApiException.forbidden(null, what + " needs the admin role");
        }
    }

    /**
     * Refuses (403) a request that names another customer than the caller's in {@code field}: who asks for another
     * customer learns nothing, not even whether that customer exists.
     */
    public void requireReach(String field, String requestedCustomerId) {
        if (!mayReach(requestedCustomerId)) {
            throw ApiException.forbidden(field, field + ": a customer token may only name its own customer ("
                    + customerId + ")");
        }
    }

    /**
     * The namespace of the caller's Idempotency-Keys: the same key sent by two callers names two requests, so one
     * caller can neither replay nor learn of another's order.
     */
    public String idempotencyScope() {
        return isAdmin() ? "admin:" + name : "customer:" + customerId;
    }

    /** No token's content in logs. */
    @Override
    public String toString() {
        return isAdmin() ? "admin " + name : "customer " + customerId;
    }
}
