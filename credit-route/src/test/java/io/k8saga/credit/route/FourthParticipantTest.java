package io.k8saga.credit.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.k8saga.testkit.LraClient;
import io.k8saga.testkit.SagaInfraResource;
import io.k8saga.testkit.SagaTopics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A participant that is one class ({@link LoyaltyStep}) joins the order saga next to the credit step, in the same
 * service: it reports its outcome on its own topic, is completed when the saga closes, compensated when it is
 * cancelled, settled by the order's outcome event, and applies each event once, whatever the credit step did with
 * the same event.
 */
@QuarkusTest
@QuarkusTestResource(SagaInfraResource.class)
class FourthParticipantTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private SagaTopics topics;

    @BeforeEach
    void connect() {
        topics = new SagaTopics("loyalty-events");
    }

    @AfterEach
    void disconnect() {
        topics.close();
    }

    @Test
    void joinsTheSagaReportsItsStepAndIsCompletedWhenTheSagaCloses() {
        String lra = LraClient.start();
        String order = publishOrder(lra);

        assertThat(await().atMost(DEADLINE).until(() -> topics.latest(order), Objects::nonNull).value())
                .contains("\"points\":42");
        assertThat(SagaTopics.header(topics.latest(order), SagaTopics.LRA_HEADER)).isEqualTo(lra);

        LraClient.close(lra);
        await().atMost(DEADLINE).until(() -> history(order).contains("COMPLETED"));
        await().atMost(DEADLINE).until(() -> !LraClient.isActive(lra));
        assertThat(history(order)).containsExactly("AWARDED", "COMPLETED");
    }

    @Test
    void isCompensatedWhenTheSagaIsCancelledAndAppliesARepeatedEventOnce() {
        String lra = LraClient.start();
        String eventId = UUID.randomUUID().toString();
        String order = UUID.randomUUID().toString();
        topics.publish("order-events", order, lra, orderCreated(order), eventId);
        topics.publish("order-events", order, lra, orderCreated(order), eventId);
        await().atMost(DEADLINE).until(() -> history(order).contains("AWARDED"));

        LraClient.cancel(lra);
        await().atMost(DEADLINE).until(() -> history(order).contains("COMPENSATED"));
        await().atMost(DEADLINE).until(() -> !LraClient.isActive(lra));
        assertThat(history(order)).containsExactly("AWARDED", "COMPENSATED");
    }

    @Test
    void isSettledByTheOrdersOutcomeEvenWithoutACallback() {
        String lra = LraClient.start();
        String order = publishOrder(lra);
        await().atMost(DEADLINE).until(() -> history(order).contains("AWARDED"));

        topics.publishOrderOutcome(order, lra, "REJECTED");
        await().atMost(DEADLINE).until(() -> history(order).contains("REJECTED"));
        LraClient.cancel(lra);
    }

    private String publishOrder(String lra) {
        String order = UUID.randomUUID().toString();
        topics.publish("order-events", order, lra, orderCreated(order));
        return order;
    }

    private static String orderCreated(String order) {
        return "{\"orderId\":\"" + order + "\",\"customerId\":\"" + LoyaltyStep.CUSTOMER_PREFIX + order
                + "\",\"amount\":42.00,\"currency\":\"EUR\"}";
    }

    private static List<String> history(String order) {
        return LoyaltyStep.HISTORY.getOrDefault(order, List.of());
    }
}
