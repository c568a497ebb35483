package io.k8saga.order.message;

import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderService;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the saga of an order that was stored but never given an LRA because order-route died (or the coordinator
 * failed) between the two: the customer may be retrying with the same Idempotency-Key, and finds the order
 * progressing instead of rejected. An order is resumed once it is older than {@code saga.orphan-resume-after},
 * which is longer than any request takes to start a saga, and only by the one replica that claims it; past
 * {@code saga.timeout} + {@code saga.orphan-grace} the orphan check rejects it instead (see OrderSagaHandler).
 */
@ApplicationScoped
public class OrderResumer {

    private static final Logger LOG = Logger.getLogger(OrderResumer.class);
    /** Most orders resumed in one round; the oldest first, the rest in the next rounds. */
    private static final int BATCH = 50;

    private final OrderService orders;
    private final OrderSagaStarter sagas;
    private final Duration resumeAfter;
    private final Duration giveUpAfter;

    OrderResumer(OrderService orders, OrderSagaStarter sagas,
            @ConfigProperty(name = "saga.orphan-resume-after") Duration resumeAfter,
            @ConfigProperty(name = "saga.timeout") Duration sagaTimeout,
            @ConfigProperty(name = "saga.orphan-grace") Duration orphanGrace) {
        this.orders = orders;
        this.sagas = sagas;
        this.resumeAfter = resumeAfter;
        this.giveUpAfter = sagaTimeout.plus(orphanGrace);
    }

    /** Starts the sagas of the orders left without one; an order whose start fails is tried again next round. */
    public void resumeUnstartedOrders() {
        for (Order order : orders.withoutSaga(resumeAfter, giveUpAfter, BATCH)) {
            if (!orders.claimWithoutSaga(order)) {
                continue;
            }
            try {
                sagas.start(order.orderId());
                LOG.infof("Order %s: its saga had not started (stored %s); started it now", order.orderId(),
                        order.createdAt());
            } catch (Exception e) {
                LOG.warnf("Order %s: its saga still cannot start (%s); trying again later", order.orderId(),
                        e.toString());
            }
        }
    }
}
