package io.k8saga.credit.message;

import io.k8saga.common.api.Formats;
import io.k8saga.common.events.CreditEvent;
import io.k8saga.common.events.OrderCreated;
import io.k8saga.common.message.InvalidEventException;
import io.k8saga.common.participant.SagaStep;
import io.k8saga.common.participant.StepDeclaration;
import io.k8saga.credit.domain.CreditService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * The credit step of the order saga: every new order reserves credit ({@code reserveCredit}, reported on
 * customer-events as CreditReserved, CreditLimitExceeded or CustomerNotFound); a cancelled saga releases it
 * ({@code releaseCredit}), a closed one confirms it ({@code confirmCredit}). saga-common's ParticipantRoutes does the
 * rest (inbox, outbox, joining the LRA, callbacks, settling by the order's outcome).
 */
@ApplicationScoped
public class CreditStep implements SagaStep<OrderCreated> {

    private static final StepDeclaration<OrderCreated> DECLARATION = new StepDeclaration<>("reserveCredit",
            "releaseCredit", "confirmCredit", "{{saga.topics.orders}}", OrderCreated.class,
            "{{saga.topics.customers}}");

    private final CreditService credit;

    CreditStep(CreditService credit) {
        this.credit = credit;
    }

    @Override
    public StepDeclaration<OrderCreated> declaration() {
        return DECLARATION;
    }

    /** Every order asks for credit; a malformed one is refused before any saga is joined. */
    @Override
    public boolean accepts(OrderCreated order) {
        if (!Formats.isWellFormedOrder(order.orderId(), order.customerId(), order.amount(), order.currency())) {
            throw new InvalidEventException("malformed OrderCreated: " + order);
        }
        return true;
    }

    @Override
    public String orderId(OrderCreated order) {
        return order.orderId();
    }

    /** Reserves (or refuses) the credit; nothing to report when the saga was compensated first (a tombstone). */
    @Override
    public Optional<Object> perform(OrderCreated order) {
        CreditEvent.Type outcome = switch (credit.reserve(order.orderId(), order.customerId(), order.amount())) {
            case PENDING, CONFIRMED -> CreditEvent.Type.CREDIT_RESERVED;
            case LIMIT_EXCEEDED -> CreditEvent.Type.CREDIT_LIMIT_EXCEEDED;
            case CUSTOMER_NOT_FOUND -> CreditEvent.Type.CUSTOMER_NOT_FOUND;
            case RELEASED -> null;
        };
        return Optional.ofNullable(outcome).map(type -> CreditEvent.of(type, order));
    }

    @Override
    public void compensate(String orderId) {
        credit.release(orderId);
    }

    @Override
    public void complete(String orderId) {
        credit.confirm(orderId);
    }

    @Override
    public void settleRejected(String orderId) {
        credit.settleRejected(orderId);
    }
}
