package io.k8saga.testkit;

import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;

/** REST Assured requests to a service under test, with an admin's bearer token from {@link ApiTokens#forTests()}. */
public final class AdminApi {

    private AdminApi() {
    }

    /** {@code given()}, as an administrator. */
    public static RequestSpecification given() {
        return RestAssured.given().auth().oauth2(ApiTokens.forTests().admin());
    }

    /** {@code given()}, as the customer {@code customerId}. */
    public static RequestSpecification givenCustomer(String customerId) {
        return RestAssured.given().auth().oauth2(ApiTokens.forTests().customer(customerId));
    }
}
