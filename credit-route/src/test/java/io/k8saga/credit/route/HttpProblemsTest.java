package io.k8saga.credit.route;

import static io.k8saga.testkit.AdminApi.given;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import io.k8saga.common.api.OpenApiDocument;
import io.k8saga.common.api.Problem;
import io.k8saga.testkit.ApiTokens;
import io.k8saga.testkit.SagaInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The answers the HTTP layer gives before any route runs (saga-common's HttpProblems) are RFC 9457 problems too,
 * and the endpoints that are not the API's keep working.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
class HttpProblemsTest {

    @Inject
    OpenApiDocument openApi;

    @Test
    void servesItsPartOfTheOpenApiDocumentWhichListsEveryRestRouteAndNoOther() {
        assertThat(openApi.served()).isEqualTo(openApi.documented()).isNotEmpty();
        String served = given().get("/q/openapi").then().statusCode(200).extract().asString();
        assertThat(served).contains("operationId: \"registerCustomer\"", "operationId: \"listReservations\"");
    }

    private static final String ADMIN = "Bearer " + ApiTokens.forTests().admin();

    @TestHTTPResource("/api/customers")
    URI customers;

    @Test
    void aBodyOverTheLimitIsAProblemNamingTheBodyAndClosesTheConnection() {
        given().contentType(ContentType.JSON).body("{\"name\":\"" + "n".repeat(2_000_000) + "\"}")
                .post("/api/customers")
                .then().statusCode(413)
                .header("Connection", "close")
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(413))
                .body("field", equalTo("body"))
                .body("detail", equalTo("body: larger than 64 KiB"));
    }

    @Test
    void aChunkedBodyOverTheLimitIsAProblemNamingTheBody() throws Exception {
        byte[] body = ("{\"name\":\"" + "n".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        // A body publisher of unknown length makes the client send the body in chunks, without Content-Length.
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(customers)
                .header("Content-Type", "application/json")
                .header("Authorization", ADMIN)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
        assertThat(response.body()).contains("\"field\":\"body\"");
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

    @ParameterizedTest
    @EnumSource(HttpClient.Version.class)
    void theAnswerToABodyOverTheLimitReachesAClientStillSending(HttpClient.Version version) throws Exception {
        // Like a proxy, the JDK client writes the whole body before it reads the answer; a server that closed
        // with the body unread would reset the connection and the answer would be lost now and then.
        byte[] body = ("{\"name\":\"" + "n".repeat(300_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpClient http = HttpClient.newBuilder().version(version).build();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(customers)
                    .header("Content-Type", "application/json")
                    .header("Authorization", ADMIN)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).as("attempt %d", i).isEqualTo(413);
            assertThat(response.body()).contains("\"field\":\"body\"");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=b"})
    void aFormIsAProblemNamingTheContentTypeAndStoresNothing(String type) throws Exception {
        // The JDK client sends the bytes as they are, whatever the type says.
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(customers)
                .header("Content-Type", type)
                .header("Authorization", ADMIN)
                .POST(HttpRequest.BodyPublishers.ofString("customerId=c-form&name=N&creditLimit=1"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(Problem.MEDIA_TYPE);
        assertThat(response.body()).contains("\"field\":\"Content-Type\"");
        given().get("/api/customers/c-form").then().statusCode(404);
    }

    @Test
    void aBodyWithinTheLimitIsRead() {
        given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"c-big\",\"name\":\"" + "n".repeat(60_000) + "\",\"creditLimit\":1}")
                .post("/api/customers")
                .then().statusCode(400)
                .body("field", equalTo("name"));
    }

    @Test
    void healthAndMetricsAreUntouched() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
    }
}
