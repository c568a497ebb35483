package io.k8saga.credit.route;

import static io.k8saga.testkit.AdminApi.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import io.k8saga.common.message.ParkedEvents;
import io.k8saga.testkit.FreePorts;
import io.k8saga.testkit.LraClient;
import io.k8saga.testkit.SagaInfraResource;
import io.k8saga.testkit.SagaTopics;
import io.k8saga.testkit.SilentServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * credit-route's calls to coordinators, against a real broker and coordinator plus a second configured coordinator
 * that never answers (a SilentServer): a join it does not answer times out and its event is parked, so the events
 * behind it on its partition go on, and tried again until the coordinator answers; an event whose LRA names a coordinator that is not configured goes to the
 * dead letters without a single request to it.
 */
@QuarkusTest
@TestProfile(CoordinatorCallsTest.WithASilentCoordinator.class)
class CoordinatorCallsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    @ConfigProperty(name = "camel.lra.coordinator-url")
    String coordinatorUrls;

    @Inject
    ParkedEvents parked;

    private SagaTopics topics;

    @BeforeEach
    void connect() {
        topics = new SagaTopics("customer-events");
    }

    @AfterEach
    void disconnect() {
        topics.close();
    }

    @Test
    void aJoinTheCoordinatorNeverAnswersIsParkedAndTheEventsBehindItGoOn() {
        String customer = newCustomer(100);
        try (SilentServer silent = SilentServer.start(URI.create(silentCoordinatorUrl()).getPort())) {
            String order = UUID.randomUUID().toString();
            topics.publish("order-events", order, silent.url() + "/lra-coordinator/0_hung",
                    orderCreated(order, customer, "10.00"));
            // The join gives up after saga.coordinator.request-timeout (1 s here) and the event is put aside.
            await().atMost(DEADLINE).until(() -> parked.count() == 1);

            // The next event on the same partition (same key), of a saga on the coordinator that answers, is applied
            // while the silent one still holds the first event's join.
            String marker = publishOrder(LraClient.start(), customer, "1.00", order);
            assertThat(awaitOutcome(marker)).contains("CreditReserved");

            // The parked event is tried again, one call a round, while the shard stays silent.
            await().atMost(DEADLINE).until(() -> joins(silent, "0_hung") >= 2);
            assertThat(parked.count()).isEqualTo(1);
            // The coordinator answers at last: that LRA is unknown to it, so the event is dropped as ended.
            silent.answer(404);
            await().atMost(DEADLINE).until(() -> parked.count() == 0);
            assertThat(topics.hasSeen(order)).isFalse();
            assertCredit(customer, "1.0", "99.0");
        }
    }

    @Test
    void anEventWhoseLraNamesAnotherCoordinatorIsDeadLetteredWithoutACallToIt() {
        String customer = newCustomer(100);
        try (SilentServer foreign = SilentServer.start(0);
                SagaTopics deadLetters = new SagaTopics("order-events.dlq")) {
            String order = UUID.randomUUID().toString();
            String foreignLra = foreign.url() + "/lra-coordinator/0_foreign";
            topics.publish("order-events", order, foreignLra, orderCreated(order, customer, "10.00"));
            String marker = publishOrder(LraClient.start(), customer, "1.00", order);

            assertThat(awaitOutcome(marker)).contains("CreditReserved");
            var letter = await().atMost(DEADLINE).until(() -> deadLetters.latest(order), Objects::nonNull);
            assertThat(SagaTopics.header(letter, "deadLetterReason"))
                    .contains("UnknownCoordinatorException", foreignLra);
            assertThat(foreign.requests()).isEmpty();
            assertThat(topics.hasSeen(order)).isFalse();
            assertCredit(customer, "1.0", "99.0");
        }
    }

    /** The configured coordinator that SagaInfraResource did not start: the test's silent one. */
    private String silentCoordinatorUrl() {
        List<String> started = SagaInfraResource.coordinatorUrls();
        return Arrays.stream(coordinatorUrls.split(",")).filter(url -> !started.contains(url)).findFirst()
                .orElseThrow();
    }

    private static long joins(SilentServer coordinator, String lra) {
        return coordinator.requests().stream().filter(r -> r.startsWith("PUT /lra-coordinator/" + lra)).count();
    }

    private String newCustomer(int limit) {
        String id = "cust-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body("{\"customerId\":\"" + id + "\",\"name\":\"Test\",\"creditLimit\":" + limit + "}")
                .post("/api/customers").then().statusCode(201);
        return id;
    }

    private void assertCredit(String customer, String reserved, String available) {
        given().get("/api/customers/" + customer).then()
                .body("creditReserved", equalTo(Float.valueOf(reserved)))
                .body("availableCredit", equalTo(Float.valueOf(available)));
    }

    /** Publishes OrderCreated under the key of an earlier order, so it is read after that one. */
    private String publishOrder(String lra, String customer, String amount, String key) {
        String order = UUID.randomUUID().toString();
        topics.publish("order-events", key, lra, orderCreated(order, customer, amount));
        return order;
    }

    private static String orderCreated(String order, String customer, String amount) {
        return "{\"orderId\":\"" + order + "\",\"customerId\":\"" + customer + "\",\"amount\":" + amount
                + ",\"currency\":\"EUR\"}";
    }

    private String awaitOutcome(String order) {
        return await().atMost(DEADLINE).until(() -> topics.latest(order), Objects::nonNull).value();
    }

    /** The real coordinator, then a silent one on a port picked here; short time limits. */
    public static class WithASilentCoordinator implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(SagaInfraResource.class, Map.of(
                    SagaInfraResource.EXTRA_COORDINATOR_URLS, "http://localhost:" + FreePorts.pick())));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("saga.coordinator.request-timeout", "1s");
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }
}
