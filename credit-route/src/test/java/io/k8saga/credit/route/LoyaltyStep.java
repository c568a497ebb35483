package io.k8saga.credit.route;

import io.k8saga.common.events.OrderCreated;
import io.k8saga.common.participant.SagaStep;
import io.k8saga.common.participant.StepDeclaration;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fourth participant, for tests only, written as the how-to in saga-common's README says: one class. It awards
 * loyalty points for the orders of customers whose id starts with {@code loyal-} (and ignores every other order, so
 * the other tests of this service do not see it) and records what the saga made of them.
 */
@ApplicationScoped
public class LoyaltyStep implements SagaStep<OrderCreated> {

    static final String CUSTOMER_PREFIX = "loyal-";

    /** The step's outcome event, on loyalty-events. */
    public record PointsAwarded(String orderId, int points) {
    }

    /** Per order, what happened to its points, in order: AWARDED, then COMPLETED or COMPENSATED (or REJECTED). */
    static final Map<String, List<String>> HISTORY = new ConcurrentHashMap<>();

    @Override
    public StepDeclaration<OrderCreated> declaration() {
        return new StepDeclaration<>("awardPoints", "revokePoints", "keepPoints", "{{saga.topics.orders}}",
                OrderCreated.class, "loyalty-events");
    }

    @Override
    public boolean accepts(OrderCreated order) {
        return order.customerId() != null && order.customerId().startsWith(CUSTOMER_PREFIX);
    }

    @Override
    public String orderId(OrderCreated order) {
        return order.orderId();
    }

    @Override
    public Optional<Object> perform(OrderCreated order) {
        record(order.orderId(), "AWARDED");
        return Optional.of(new PointsAwarded(order.orderId(), order.amount().intValue()));
    }

    @Override
    public void compensate(String orderId) {
        record(orderId, "COMPENSATED");
    }

    @Override
    public void complete(String orderId) {
        record(orderId, "COMPLETED");
    }

    @Override
    public void settleRejected(String orderId) {
        record(orderId, "REJECTED");
    }

    private static void record(String orderId, String what) {
        HISTORY.computeIfAbsent(orderId, id -> new CopyOnWriteArrayList<>()).add(what);
    }
}
