package io.k8saga.credit.api;

import io.k8saga.credit.domain.Customer;
import java.math.BigDecimal;

/** The JSON shape of a customer in the public API. */
public record CustomerView(String customerId, String name, BigDecimal creditLimit, BigDecimal creditReserved,
        BigDecimal availableCredit) {

    static CustomerView of(Customer customer) {
        return new CustomerView(customer.customerId(), customer.name(), customer.creditLimit(),
                customer.creditReserved(), customer.availableCredit());
    }
}
