package io.k8saga.e2e.support;

import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;

/** An order as the public API shows it. */
public record Order(String orderId, String customerId, BigDecimal amount, String currency, String status,
        String rejectionReason, String sagaId) {

    public static final String PENDING = "PENDING";
    public static final String APPROVED = "APPROVED";
    public static final String REJECTED = "REJECTED";

    static Order from(JsonPath json, String path) {
        String prefix = path.isEmpty() ? "" : path + ".";
        return new Order(json.getString(prefix + "orderId"), json.getString(prefix + "customerId"),
                PublicApi.money(json, prefix + "amount"), json.getString(prefix + "currency"),
                json.getString(prefix + "status"), json.getString(prefix + "rejectionReason"),
                json.getString(prefix + "sagaId"));
    }

    public boolean isFinal() {
        return !PENDING.equals(status);
    }
}
