package io.k8saga.e2e.support;

import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;

/** A customer's credit account as the public API shows it. */
public record Customer(String customerId, String name, BigDecimal creditLimit, BigDecimal creditReserved,
        BigDecimal availableCredit) {

    static Customer from(JsonPath json) {
        return new Customer(json.getString("customerId"), json.getString("name"), PublicApi.money(json, "creditLimit"),
                PublicApi.money(json, "creditReserved"), PublicApi.money(json, "availableCredit"));
    }
}
