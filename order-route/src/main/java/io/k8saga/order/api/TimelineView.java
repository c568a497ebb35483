package io.k8saga.order.api;

import io.k8saga.order.domain.Order;
import io.k8saga.order.domain.OrderStatus;
import io.k8saga.order.domain.RejectionReason;
import io.k8saga.order.domain.TimelineStep;
import java.util.List;

/**
 * The JSON shape of an order's timeline: the order's status and its saga's steps in time order, each with the
 * service that recorded it, when (ISO-8601), what ({@code step}) and a detail line; {@code unavailable} names the
 * services whose steps could not be read just now (their steps are missing, not absent).
 */
public record TimelineView(String orderId, OrderStatus status, RejectionReason rejectionReason, List<Step> steps,
        List<String> unavailable) {

    /** One step as the API shows it. */
    public record Step(String at, String service, TimelineStep.Kind step, String detail) {
    }

    static TimelineView of(Order order, List<TimelineStep> steps, List<String> unavailable) {
        return new TimelineView(order.orderId(), order.status(), order.visibleRejectionReason(),
                steps.stream().map(step -> new Step(step.at().toString(), step.service(), step.kind(), step.detail()))
                        .toList(), List.copyOf(unavailable));
    }
}
