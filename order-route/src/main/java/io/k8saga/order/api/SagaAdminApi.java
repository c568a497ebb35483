package io.k8saga.order.api;

import io.k8saga.common.api.ApiException;
import io.k8saga.common.lra.UnknownCoordinatorException;
import io.k8saga.order.api.StuckSagas.StuckSaga;
import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderService;
import io.k8saga.order.message.SagaCoordinator;
import io.k8saga.order.message.SagaCoordinator.Lra;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The operators' view of sagas that did not end by themselves, so that someone can look and act. */
@ApplicationScoped
public class SagaAdminApi {

    /** Most PENDING orders listed at once; the oldest come first. */
    private static final int MAX_PENDING = 200;

    private final OrderService orders;
    private final SagaCoordinator coordinator;
    private final Duration stuckAfter;

    SagaAdminApi(OrderService orders, SagaCoordinator coordinator,
            @ConfigProperty(name = "saga.timeout") Duration sagaTimeout,
            @ConfigProperty(name = "saga.orphan-grace") Duration grace) {
        this.orders = orders;
        this.coordinator = coordinator;
        this.stuckAfter = sagaTimeout.plus(grace);
    }

    /**
     * The LRAs the coordinator gave up on or keeps retrying, and the orders PENDING past the saga timeout plus the
     * grace, whatever the coordinator says of them; one entry per saga, with its order when one carries it.
     */
    public StuckSagas stuck() {
        try {
            Map<String, StuckSaga> bySaga = new LinkedHashMap<>();
            for (Lra lra : coordinator.failed()) {
                bySaga.put(lra.sagaId(), withOrder(lra, "FAILED"));
            }
            for (Lra lra : coordinator.recovering()) {
                bySaga.putIfAbsent(lra.sagaId(), withOrder(lra, "RECOVERING"));
            }
            for (Order order : orders.pendingLongerThan(stuckAfter, MAX_PENDING)) {
                if (order.sagaId() == null) {
                    bySaga.put("order " + order.orderId(), new StuckSaga(null, "NO_SAGA", null, OrderView.of(order)));
                } else if (!bySaga.containsKey(order.sagaId())) {
                    bySaga.put(order.sagaId(), notFinishing(order));
                }
            }
            List<StuckSaga> sagas = List.copyOf(bySaga.values());
            return new StuckSagas(Instant.now().toString(), sagas.size(), sagas);
        } catch (UncheckedIOException e) {
            throw new ApiException(503, null, "The LRA coordinator could not be asked: " + e.getMessage());
        }
    }

    /** An order past its time limit, with what its coordinator says of its LRA; none when no shard listed owns it. */
    private StuckSaga notFinishing(Order order) {
        try {
            return new StuckSaga(order.sagaId(), "NOT_FINISHING", coordinator.status(order.sagaId()),
                    OrderView.of(order));
        } catch (UnknownCoordinatorException e) {
            // A shard since removed from the configuration: nobody here can ask it, a case for an operator.
            return new StuckSaga(order.sagaId(), "UNKNOWN_COORDINATOR", null, OrderView.of(order));
        }
    }

    private StuckSaga withOrder(Lra lra, String reason) {
        return new StuckSaga(lra.sagaId(), reason, lra.status(),
                orders.findBySagaId(lra.sagaId()).map(OrderView::of).orElse(null));
    }
}
