package io.k8saga.e2e.support;

import io.restassured.path.json.JsonPath;
import java.math.BigDecimal;

/** A payment of the simulated provider as the public API shows it. */
public record Payment(String paymentId, String orderId, BigDecimal amount, String currency, String status) {

    static Payment from(JsonPath json, String path) {
        return new Payment(json.getString(path + ".paymentId"), json.getString(path + ".orderId"),
                PublicApi.money(json, path + ".amount"), json.getString(path + ".currency"),
                json.getString(path + ".status"));
    }
}
