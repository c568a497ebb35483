package io.k8saga.order.message;

import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.OrderCreated;
import io.k8saga.common.events.OrderOutcome;
import io.k8saga.common.events.PaymentEvent;
import io.k8saga.common.events.PaymentRequested;
import io.k8saga.common.lra.CoordinatorShards;
import io.k8saga.common.message.InvalidEventException;
import io.k8saga.common.message.Outbox;
import io.k8saga.common.metrics.SagaMetrics;
import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderService;
import io.k8saga.order.domain.OrderStatus;
import io.k8saga.order.domain.RejectionReason;
import io.k8saga.order.domain.SagaAdmission;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Connects the saga's messages and callbacks to {@link OrderService}. */
@ApplicationScoped
public class OrderSagaHandler {

    private static final Logger LOG = Logger.getLogger(OrderSagaHandler.class);
    /** This service's step, as its metrics name it: from an order accepted to its OrderCreated stored. */
    private static final String START_STEP = "startOrderSaga";
    /** Most stuck orders looked at in one round; the oldest first, the rest in the next rounds. */
    private static final int STUCK_BATCH = 100;

    private final OrderService orders;
    private final Outbox outbox;
    private final String orderTopic;
    private final String paymentRequestTopic;
    private final Duration orphanAge;
    private final Duration closeBy;
    private final SagaCoordinator coordinator;
    private final SagaAdmission admission;
    private final CoordinatorShards shards;
    private final OrderSagaStarter sagas;
    private final SagaMetrics metrics;

    OrderSagaHandler(OrderService orders, Outbox outbox, SagaCoordinator coordinator, CoordinatorShards shards,
            SagaAdmission admission, OrderSagaStarter sagas, SagaMetrics metrics,
            @ConfigProperty(name = "saga.topics.orders") String orderTopic,
            @ConfigProperty(name = "saga.topics.payment-requests") String paymentRequestTopic,
            @ConfigProperty(name = "saga.timeout") Duration sagaTimeout,
            @ConfigProperty(name = "saga.orphan-grace") Duration orphanGrace,
            @ConfigProperty(name = "saga.close-margin") Duration closeMargin) {
        this.orders = orders;
        this.outbox = outbox;
        this.orderTopic = orderTopic;
        this.paymentRequestTopic = paymentRequestTopic;
        this.orphanAge = sagaTimeout.plus(orphanGrace);
        this.closeBy = sagaTimeout.minus(closeMargin);
        this.coordinator = coordinator;
        this.shards = shards;
        this.admission = admission;
        this.sagas = sagas;
        this.metrics = metrics;
        metrics.step(START_STEP);
    }

    /**
     * Records the new LRA on the order and stores the OrderCreated that asks the participants to act, and the
     * PaymentRequested that gives payment-route alone the payment token, in one transaction: the events go out if
     * and only if the order knows its saga.
     */
    public void sagaStarted(@ExchangeProperty(OrderSagaStarter.ORDER_ID) String orderId,
            @ExchangeProperty(OrderSagaStarter.LOST_SAGA_ID) String lostSagaId,
            @Header(Exchange.SAGA_LONG_RUNNING_ACTION) String sagaId) {
        Order order = QuarkusTransaction.requiringNew().call(() -> {
            orders.attachSaga(orderId, sagaId, lostSagaId);
            Order stored = orders.find(orderId).orElseThrow();
            // The request first: payment-route usually has it before credit's reservation asks for the payment.
            outbox.add(paymentRequestTopic, orderId, sagaId, new PaymentRequested(stored.orderId(),
                    stored.customerId(), stored.amount(), stored.currency(), stored.paymentToken()));
            outbox.add(orderTopic, orderId, sagaId, new OrderCreated(stored.orderId(), stored.customerId(),
                    stored.amount(), stored.currency()));
            return stored;
        });
        if (lostSagaId == null) {
            // A replacement saga's order was accepted long before; its start is no measure of this step.
            metrics.stepDone(START_STEP, Duration.between(order.createdAt(), OffsetDateTime.now()));
        }
        admission.sagaStarted(orderId, sagaId);
    }

    /**
     * Refuses, before anything is done or any coordinator called, a saga event that is not about a PENDING order of
     * this LRA: the order must exist, still be open and have recorded the very LRA the record's header names. Such
     * an event is forged, or late (its saga ended, or was replaced after its coordinator lost it); it goes to the
     * dead letters and its partition moves on.
     */
    public void requireOpenSaga(String orderId, String sagaId) {
        openSagaOrder(orderId, sagaId);
    }

    /** The PENDING order whose saga is {@code sagaId}; else the event is invalid (see {@link #requireOpenSaga}). */
    private Order openSagaOrder(String orderId, String sagaId) {
        Optional<Order> order = orderId == null ? Optional.empty() : orders.find(orderId);
        if (order.isEmpty()) {
            throw new InvalidEventException("saga event for an unknown order " + orderId);
        }
        if (order.get().status() != OrderStatus.PENDING) {
            throw new InvalidEventException("saga event for order " + orderId + ", which is " + order.get().status()
                    + " already");
        }
        if (sagaId == null || !sagaId.equals(order.get().sagaId())) {
            throw new InvalidEventException("saga event for order " + orderId + " names LRA " + sagaId
                    + ", not the order's saga " + order.get().sagaId());
        }
        return order.get();
    }

    public boolean isRefusal(CreditEvent event) {
        requireSagaEvent(event == null ? null : event.type(), event);
        return event.type() != CreditEvent.Type.CREDIT_RESERVED;
    }

    public void creditRefused(CreditEvent event) {
        RejectionReason reason = event.type() == CreditEvent.Type.CUSTOMER_NOT_FOUND
                ? RejectionReason.UNKNOWN_CUSTOMER
                : RejectionReason.CREDIT_LIMIT_EXCEEDED;
        orders.recordRejectionReason(event.orderId(), reason);
    }

    /**
     * True when the payment was authorized with at least {@code saga.close-margin} of the saga's time limit left
     * (counted from the LRA's start), so its close ends well before the coordinator's timer. Either way the event
     * must be about a PENDING order of the LRA {@code sagaId} ({@link #requireOpenSaga}).
     */
    public boolean approves(PaymentEvent event, String sagaId) {
        requireSagaEvent(event == null ? null : event.type(), event);
        Order order = openSagaOrder(event.orderId(), sagaId);
        return event.type() == PaymentEvent.Type.PAYMENT_AUTHORIZED
                && OffsetDateTime.now().isBefore(sagaStart(order).plus(closeBy));
    }

    /** When the order's LRA started (its time limit runs from then); orders stored before V5 record only creation. */
    private static OffsetDateTime sagaStart(Order order) {
        return order.sagaStartedAt() != null ? order.sagaStartedAt() : order.createdAt();
    }

    /** A decline is the order's rejection reason; a late authorization keeps none, so the order ends as TIMEOUT. */
    public void paymentNotApproving(PaymentEvent event) {
        if (event.type() == PaymentEvent.Type.PAYMENT_DECLINED) {
            orders.recordRejectionReason(event.orderId(), RejectionReason.PAYMENT_DECLINED);
        } else {
            LOG.infof("Order %s: payment authorized too close to the saga's time limit; the saga is cancelled",
                    event.orderId());
        }
    }

    /**
     * Completion callback: approves the order of that saga and, with it, publishes the outcome the participants
     * settle by. {@code sagaId} is the LRA the callback is for; null when order-route settles a stuck order itself.
     */
    public void approve(String orderId, String sagaId) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (orders.approve(orderId, sagaId)) {
                publishOutcome(orderId, OrderOutcome.Decision.APPROVED);
            }
        });
    }

    /**
     * Compensation callback: rejects the order of that saga and, with it, publishes the outcome the participants
     * settle by. {@code sagaId} is the LRA the callback is for (an LRA that lost a race to start this order's saga
     * is cancelled without touching it); null when order-route settles a stuck order itself.
     */
    public void reject(String orderId, String sagaId) {
        QuarkusTransaction.requiringNew().run(() -> {
            if (orders.reject(orderId, sagaId)) {
                publishOutcome(orderId, OrderOutcome.Decision.REJECTED);
            }
        });
    }

    /** Stores the order's outcome event with the order's LRA in its header: participants settle only their saga's. */
    private void publishOutcome(String orderId, OrderOutcome.Decision decision) {
        String orderSaga = orders.find(orderId).map(Order::sagaId).orElse(null);
        outbox.add(orderTopic, orderId, orderSaga, new OrderOutcome(orderId, decision));
    }

    /**
     * Ends the orders the saga machinery left PENDING past the saga timeout plus the grace. No LRA: rejected (the
     * process died before the saga started). An LRA the coordinator holds as Closing or Cancelling without getting
     * any further (seen after a coordinator crash): the order takes the outcome already decided, and its
     * OrderOutcome event settles the participants. An LRA the coordinator has no record of (lost in a crash): the
     * order gets a new saga, once. An LRA still Active (its timer lost): cancelled at the coordinator, which
     * compensates as usual. An LRA the coordinator gave up on answers 404 too, but is listed as failed: its order is
     * rejected and the LRA stays for an operator (GET /admin/sagas/stuck).
     */
    public void settleStuckOrders() {
        int orphans = orders.rejectOrphans(orphanAge);
        if (orphans > 0) {
            LOG.warnf("Rejected %d order(s) whose saga never started (older than %s)", orphans, orphanAge);
        }
        Set<String> unreachable = new HashSet<>();
        for (Order order : orders.pendingLongerThan(orphanAge, STUCK_BATCH)) {
            if (order.sagaId() == null) {
                continue;
            }
            // Each order is asked of its own LRA's coordinator: a shard that is down holds up only its own orders, and
            // only once per round (it may cost a whole time limit to find out).
            Optional<String> shard = shards.shardOf(order.sagaId());
            if (shard.isEmpty()) {
                LOG.errorf("Order %s: LRA %s belongs to no configured coordinator; left for an operator",
                        order.orderId(), order.sagaId());
            } else if (!unreachable.contains(shard.get())) {
                try {
                    settle(order);
                } catch (UncheckedIOException e) {
                    unreachable.add(shard.get());
                    LOG.warnf("Coordinator %s cannot be asked now (%s); its orders are settled in a later round",
                            shard.get(), e.getMessage());
                }
            }
        }
    }

    private void settle(Order order) {
        String status = coordinator.status(order.sagaId());
        switch (status) {
            case "Closing", "Closed" -> {
                LOG.warnf("Order %s: its LRA is stuck %s; approving it as decided", order.orderId(), status);
                approve(order.orderId(), null);
            }
            case "Cancelling", "Cancelled" -> {
                LOG.warnf("Order %s: its LRA is stuck %s; rejecting it as decided", order.orderId(), status);
                reject(order.orderId(), null);
            }
            // An LRA ends only once every participant, this order's own callback included, has answered; so an
            // order still PENDING means the coordinator lost the LRA in a crash.
            case "unknown" -> restartLostSaga(order);
            case "Active" -> {
                LOG.warnf("Order %s: its LRA outlived its time limit; cancelling it", order.orderId());
                coordinator.cancel(order.sagaId());
            }
            default -> LOG.debugf("Order %s: LRA %s, left for an operator", order.orderId(), status);
        }
    }

    /**
     * Gives an order whose LRA the coordinator lost a new saga, once: a lost LRA calls no participant back, and every
     * participant keys its work by order, so the new saga finds whatever the lost one did and finishes it. An order
     * that lost its LRA again, or whose new saga cannot start before it is twice the stuck age, is rejected; so is
     * one whose LRA the coordinator gave up on (listed as failed: a participant could not finish).
     */
    private void restartLostSaga(Order order) {
        if (coordinator.hasGivenUp(order.sagaId())) {
            LOG.warnf("Order %s: the coordinator gave up on its LRA %s; rejecting it, the LRA is left for an operator",
                    order.orderId(), order.sagaId());
            reject(order.orderId(), null);
            return;
        }
        if (order.createdAt().isBefore(OffsetDateTime.now().minus(orphanAge.multipliedBy(2)))) {
            LOG.warnf("Order %s: the coordinator has no record of its LRA %s either; rejecting it", order.orderId(),
                    order.sagaId());
            reject(order.orderId(), null);
            return;
        }
        try {
            sagas.restart(order.orderId(), order.sagaId());
            LOG.warnf("Order %s: the coordinator has no record of its LRA %s (lost in a crash); started a new saga",
                    order.orderId(), order.sagaId());
        } catch (Exception e) {
            LOG.warnf("Order %s: its LRA %s was lost and a new saga cannot start yet (%s)", order.orderId(),
                    order.sagaId(), e.toString());
        }
    }

    private static void requireSagaEvent(Object type, Object event) {
        if (type == null) {
            throw new InvalidEventException("an event without a type: " + event);
        }
    }
}
