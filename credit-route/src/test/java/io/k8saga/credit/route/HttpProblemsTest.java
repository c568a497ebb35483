package io.k8saga.credit.route;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.k8saga.testkit.SagaInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/**
 * The answers the HTTP layer gives before any route runs (saga-common's HttpProblems) are RFC 9457 problems too,
 * and the endpoints that are not the API's keep working.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
class HttpProblemsTest {

    @Test
    void aBodyOverTheLimitIsAProblemNamingTheBody() {
        given().contentType(ContentType.JSON).body("{\"name\":\"" + "n".repeat(70_000) + "\"}")
                .post("/api/customers")
                .then().statusCode(413)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(413))
                .body("field", equalTo("body"));
    }

    @Test
    void anUnknownPathIsAProblem() {
        given().get("/api/customers/c-1/orders")
                .then().statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(404))
                .body("instance", equalTo("/api/customers/c-1/orders"));
    }

    @Test
    void aMethodThePathDoesNotTakeIsAProblemWithAllow() {
        given().delete("/api/customers/c-1")
                .then().statusCode(405)
                .header("Allow", containsString("GET"))
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(405));
    }

    @Test
    void healthAndMetricsAreUntouched() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
