package io.k8saga.credit.domain;

import java.math.BigDecimal;

/** A customer and their credit: {@code creditReserved} counts pending and confirmed reservations. */
public record Customer(String customerId, String name, BigDecimal creditLimit, BigDecimal creditReserved) {

    public BigDecimal availableCredit() {
        return creditLimit.subtract(creditReserved);
    }

    /** The rule the whole saga protects: a reservation never takes a customer past the credit limit. */
    public boolean canReserve(BigDecimal amount) {
        return amount.signum() > 0 && amount.compareTo(availableCredit()) <= 0;
    }

    public Customer reserve(BigDecimal amount) {
        if (!canReserve(amount)) {
            throw new IllegalStateException("Reserving " + amount + " would exceed the credit limit of " + customerId);
        }
        return new Customer(customerId, name, creditLimit, creditReserved.add(amount));
    }

    public Customer release(BigDecimal amount) {
        BigDecimal reserved = creditReserved.subtract(amount);
        if (reserved.signum() < 0) {
            throw new IllegalStateException("Releasing " + amount + " leaves a negative reservation for " + customerId);
        }
        return new Customer(customerId, name, creditLimit, reserved);
    }
}
