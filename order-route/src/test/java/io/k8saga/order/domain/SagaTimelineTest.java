package io.k8saga.order.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.k8saga.order.domain.TimelineStep.Kind;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class SagaTimelineTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final String LRA = "http://lra-coordinator-1:8080/lra-coordinator/0_ffff7f000001_1";
    private static final BigDecimal AMOUNT = new BigDecimal("10.00");

    @Test
    void anApprovedSagaShowsEveryServicesStepsInTimeOrder() {
        Order order = order(OrderStatus.APPROVED, null, LRA, 900);
        List<TimelineStep> steps = SagaTimeline.of(order, true,
                List.of(record("CONFIRMED", 200, 950)), List.of(record("CAPTURED", 400, 1000)));

        assertThat(steps).extracting(TimelineStep::kind).containsExactly(Kind.ORDER_ACCEPTED, Kind.SAGA_STARTED,
                Kind.CREDIT_RESERVED, Kind.PAYMENT_AUTHORIZED, Kind.SAGA_CLOSED, Kind.CREDIT_CONFIRMED,
                Kind.PAYMENT_CAPTURED);
        assertThat(steps).extracting(TimelineStep::service).containsExactly("order-route", "order-route",
                "credit-route", "payment-route", "order-route", "credit-route", "payment-route");
        assertThat(steps.get(1).detail()).contains(LRA).contains("http://lra-coordinator-1:8080/lra-coordinator");
        assertThat(steps.get(2).at()).isEqualTo(T0.plusMillis(200));
        assertThat(steps.get(5).at()).isEqualTo(T0.plusMillis(950));
    }

    @Test
    void aCreditRefusalIsFollowedByTheSagasCancellationAndNoPayment() {
        Order order = order(OrderStatus.REJECTED, RejectionReason.CREDIT_LIMIT_EXCEEDED, LRA, 600);
        List<TimelineStep> steps = SagaTimeline.of(order, true, List.of(record("LIMIT_EXCEEDED", 200, 200)),
                List.of());

        assertThat(steps).extracting(TimelineStep::kind).containsExactly(Kind.ORDER_ACCEPTED, Kind.SAGA_STARTED,
                Kind.CREDIT_REFUSED, Kind.SAGA_CANCELLED);
        assertThat(steps.get(3).detail()).contains("CREDIT_LIMIT_EXCEEDED");
    }

    @Test
    void aDeclinedPaymentCancelsTheSagaAndTheCreditIsReleased() {
        Order order = order(OrderStatus.REJECTED, RejectionReason.PAYMENT_DECLINED, LRA, 700);
        List<TimelineStep> steps = SagaTimeline.of(order, true, List.of(record("RELEASED", 200, 750)),
                List.of(record("DECLINED", 400, 400)));

        assertThat(steps).extracting(TimelineStep::kind).containsExactly(Kind.ORDER_ACCEPTED, Kind.SAGA_STARTED,
                Kind.CREDIT_RESERVED, Kind.PAYMENT_DECLINED, Kind.SAGA_CANCELLED, Kind.CREDIT_RELEASED);
    }

    @Test
    void aSagaThatRanOutOfTimeEndsTimedOut() {
        Order order = order(OrderStatus.REJECTED, RejectionReason.TIMEOUT, LRA, 30_000);
        List<TimelineStep> steps = SagaTimeline.of(order, true, List.of(record("RELEASED", 200, 30_050)),
                List.of());

        assertThat(steps).extracting(TimelineStep::kind).containsExactly(Kind.ORDER_ACCEPTED, Kind.SAGA_STARTED,
                Kind.CREDIT_RESERVED, Kind.SAGA_TIMED_OUT, Kind.CREDIT_RELEASED);
    }

    @Test
    void anOrderRejectedWithoutASagaSaysSo() {
        Order order = order(OrderStatus.REJECTED, RejectionReason.TIMEOUT, null, 60_000);

        assertThat(SagaTimeline.of(order, true, List.of(), List.of())).extracting(TimelineStep::kind)
                .containsExactly(Kind.ORDER_ACCEPTED, Kind.ORDER_REJECTED);
    }

    @Test
    void aPendingOrderShowsOnlyWhatHappenedSoFar() {
        Order order = order(OrderStatus.PENDING, null, LRA, 200);

        assertThat(SagaTimeline.of(order, true, List.of(record("PENDING", 200, 200)), List.of()))
                .extracting(TimelineStep::kind)
                .containsExactly(Kind.ORDER_ACCEPTED, Kind.SAGA_STARTED, Kind.CREDIT_RESERVED);
    }

    @Test
    void stepsAtTheSameInstantKeepTheSagasOrder() {
        // Clocks of three services, milliseconds apart at best: equal times must not reorder cause and effect.
        Order order = order(OrderStatus.APPROVED, null, LRA, 100);

        assertThat(SagaTimeline.of(order, true, List.of(record("CONFIRMED", 100, 100)),
                List.of(record("CAPTURED", 100, 100))))
                .extracting(TimelineStep::kind).containsExactly(Kind.ORDER_ACCEPTED, Kind.SAGA_STARTED,
                        Kind.CREDIT_RESERVED, Kind.PAYMENT_AUTHORIZED, Kind.SAGA_CLOSED, Kind.CREDIT_CONFIRMED,
                        Kind.PAYMENT_CAPTURED);
    }

    @Test
    void aCustomerDoesNotSeeTheLraOrItsCoordinator() {
        Order order = order(OrderStatus.APPROVED, null, LRA, 900);

        assertThat(SagaTimeline.of(order, false, List.of(), List.of()))
                .allSatisfy(step -> assertThat(step.detail()).doesNotContain("lra-coordinator"));
    }

    private static Order order(OrderStatus status, RejectionReason reason, String sagaId, long endedAfterMillis) {
        return new Order("order-1", "customer-1", AMOUNT, "EUR", "tok_ok", status, reason, sagaId,
                sagaId == null ? null : at(100), at(0), at(endedAfterMillis));
    }

    private static ParticipantRecord record(String status, long createdAfterMillis, long updatedAfterMillis) {
        return new ParticipantRecord(status, AMOUNT, "EUR", T0.plusMillis(createdAfterMillis),
                T0.plusMillis(updatedAfterMillis));
    }

    private static OffsetDateTime at(long afterMillis) {
        return T0.plusMillis(afterMillis).atOffset(ZoneOffset.UTC);
    }
}
