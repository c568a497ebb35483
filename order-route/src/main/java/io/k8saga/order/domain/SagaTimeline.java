package io.k8saga.order.domain;

import io.k8saga.order.domain.TimelineStep.Kind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads an order's saga steps off what each service keeps anyway: the order's own row (accepted, saga started,
 * how it ended), credit-route's reservation and payment-route's payment (decided when the row was written, settled
 * at its last change). Nothing is recorded for the timeline's sake, so it costs the saga nothing.
 */
public final class SagaTimeline {

    public static final String ORDER_ROUTE = "order-route";
    public static final String CREDIT_ROUTE = "credit-route";
    public static final String PAYMENT_ROUTE = "payment-route";

    private SagaTimeline() {
    }

    /**
     * The steps in time order (ties in the saga's order of steps).
     *
     * @param showSaga whether the details may name the LRA and its coordinator (administrators only)
     */
    public static List<TimelineStep> of(Order order, boolean showSaga, List<ParticipantRecord> reservations,
            List<ParticipantRecord> payments) {
        List<TimelineStep> steps = new ArrayList<>(orderSteps(order, showSaga));
        reservations.forEach(reservation -> steps.addAll(creditSteps(reservation)));
        payments.forEach(payment -> steps.addAll(paymentSteps(payment)));
        steps.sort(Comparator.comparing(TimelineStep::at).thenComparing(TimelineStep::kind));
        return steps;
    }

    private static List<TimelineStep> orderSteps(Order order, boolean showSaga) {
        List<TimelineStep> steps = new ArrayList<>();
        steps.add(step(order.createdAt().toInstant(), ORDER_ROUTE, Kind.ORDER_ACCEPTED,
                order.amount().toPlainString() + " " + order.currency() + " for customer " + order.customerId()));
        if (order.sagaId() != null) {
            Instant started = (order.sagaStartedAt() != null ? order.sagaStartedAt() : order.createdAt()).toInstant();
            steps.add(step(started, ORDER_ROUTE, Kind.SAGA_STARTED,
                    showSaga ? "LRA " + order.sagaId() + " at coordinator " + coordinatorOf(order.sagaId())
                            : "the saga's participants were asked"));
        }
        Instant ended = order.updatedAt().toInstant();
        if (order.status() == OrderStatus.APPROVED) {
            steps.add(step(ended, ORDER_ROUTE, Kind.SAGA_CLOSED, "every participant agreed; the order is approved"));
        } else if (order.status() == OrderStatus.REJECTED) {
            RejectionReason reason = order.rejectionReason();
            if (order.sagaId() == null) {
                steps.add(step(ended, ORDER_ROUTE, Kind.ORDER_REJECTED, "no saga ever started for it"));
            } else if (reason == null || reason == RejectionReason.TIMEOUT) {
                steps.add(step(ended, ORDER_ROUTE, Kind.SAGA_TIMED_OUT,
                        "the saga's time limit ran out; the order is rejected (TIMEOUT)"));
            } else {
                steps.add(step(ended, ORDER_ROUTE, Kind.SAGA_CANCELLED, "the order is rejected (" + reason + ")"));
            }
        }
        return steps;
    }

    /** Statuses of credit-route's reservations: PENDING, CONFIRMED, RELEASED, LIMIT_EXCEEDED, CUSTOMER_NOT_FOUND. */
    private static List<TimelineStep> creditSteps(ParticipantRecord reservation) {
        String amount = reservation.amount() == null ? "" : reservation.amount().toPlainString();
        return switch (reservation.status()) {
            case "LIMIT_EXCEEDED" -> List.of(step(reservation.createdAt(), CREDIT_ROUTE, Kind.CREDIT_REFUSED,
                    amount + " is more than the customer's available credit"));
            case "CUSTOMER_NOT_FOUND" -> List.of(step(reservation.createdAt(), CREDIT_ROUTE, Kind.CREDIT_REFUSED,
                    "no such customer"));
            case "CONFIRMED" -> List.of(reserved(reservation, amount), step(reservation.updatedAt(), CREDIT_ROUTE,
                    Kind.CREDIT_CONFIRMED, amount + " stays used"));
            case "RELEASED" -> List.of(reserved(reservation, amount), step(reservation.updatedAt(), CREDIT_ROUTE,
                    Kind.CREDIT_RELEASED, amount + " given back"));
            default -> List.of(reserved(reservation, amount));
        };
    }

    private static TimelineStep reserved(ParticipantRecord reservation, String amount) {
        return step(reservation.createdAt(), CREDIT_ROUTE, Kind.CREDIT_RESERVED, amount + " reserved");
    }

    /** Statuses of payment-route's payments: AUTHORIZED, DECLINED, CAPTURED, VOIDED, REFUNDED. */
    private static List<TimelineStep> paymentSteps(ParticipantRecord payment) {
        String money = payment.amount() == null ? "" : payment.amount().toPlainString() + " " + payment.currency();
        TimelineStep authorized = step(payment.createdAt(), PAYMENT_ROUTE, Kind.PAYMENT_AUTHORIZED,
                money + " authorized");
        return switch (payment.status()) {
            case "DECLINED" -> List.of(step(payment.createdAt(), PAYMENT_ROUTE, Kind.PAYMENT_DECLINED,
                    money + " declined"));
            case "CAPTURED" -> List.of(authorized, step(payment.updatedAt(), PAYMENT_ROUTE, Kind.PAYMENT_CAPTURED,
                    money + " captured"));
            case "VOIDED" -> List.of(authorized, step(payment.updatedAt(), PAYMENT_ROUTE, Kind.PAYMENT_VOIDED,
                    "the authorization of " + money + " voided"));
            case "REFUNDED" -> List.of(authorized, step(payment.updatedAt(), PAYMENT_ROUTE, Kind.PAYMENT_REFUNDED,
                    money + " refunded"));
            default -> List.of(authorized);
        };
    }

    /** The coordinator an LRA id names: the id is its URL, {@code <coordinator>/lra-coordinator/<uid>}. */
    static String coordinatorOf(String sagaId) {
        int uid = sagaId.lastIndexOf('/');
        return uid > 0 ? sagaId.substring(0, uid) : sagaId;
    }

    private static TimelineStep step(Instant at, String service, Kind kind, String detail) {
        return new TimelineStep(at, service, kind, detail);
    }
}
