package io.k8saga.order.api;

import io.k8saga.common.api.ApiException;
import io.k8saga.common.api.Caller;
import io.k8saga.order.client.ParticipantRecords;
import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderService;
import io.k8saga.order.domain.ParticipantRecord;
import io.k8saga.order.domain.SagaTimeline;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code GET /api/orders/{id}/timeline}: the order's saga step by step across the three services. The participants
 * are asked at the same time; one that cannot be read in time leaves its steps out and is named in
 * {@code unavailable}, so the timeline still answers while a participant is down.
 */
@ApplicationScoped
public class OrderTimelines {

    private final OrderService orders;
    private final ParticipantRecords participants;

    OrderTimelines(OrderService orders, ParticipantRecords participants) {
        this.orders = orders;
        this.participants = participants;
    }

    /** 404 for an unknown order and for another customer's, as {@code GET /api/orders/{id}} answers. */
    public TimelineView of(Caller caller, String orderId, String authorization) {
        Order order = orders.find(orderId)
                .filter(found -> caller.mayReach(found.customerId()))
                .orElseThrow(() -> ApiException.notFound("no order " + orderId));
        CompletableFuture<Optional<List<ParticipantRecord>>> credit =
                participants.reservations(order.customerId(), orderId, authorization);
        CompletableFuture<Optional<List<ParticipantRecord>>> payment = participants.payments(orderId, authorization);
        List<String> unavailable = new ArrayList<>();
        List<ParticipantRecord> reservations = partOf(credit, SagaTimeline.CREDIT_ROUTE, unavailable);
        List<ParticipantRecord> payments = partOf(payment, SagaTimeline.PAYMENT_ROUTE, unavailable);
        return TimelineView.of(order, SagaTimeline.of(order, caller.isAdmin(), reservations, payments), unavailable);
    }

    private static List<ParticipantRecord> partOf(CompletableFuture<Optional<List<ParticipantRecord>>> call,
            String service, List<String> unavailable) {
        // Never fails and ends within saga.timeline.timeout: ParticipantRecords maps every failure to empty.
        Optional<List<ParticipantRecord>> rows = call.join();
        if (rows.isEmpty()) {
            unavailable.add(service);
        }
        return rows.orElse(List.of());
    }
}
