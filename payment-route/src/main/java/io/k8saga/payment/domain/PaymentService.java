package io.k8saga.payment.domain;

import io.k8saga.common.db.Dated;
import io.k8saga.payment.config.PaymentConfig;
import io.k8saga.payment.repository.PaymentRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Payments. Each saga method is one local transaction keyed by order id, so that a replayed message or a repeated
 * callback changes nothing the second time. A step and a callback racing for an order that has no row yet both
 * insert under the unique order id: the loser fails, and its caller retries and finds the winner's row.
 */
@ApplicationScoped
public class PaymentService {

    private static final Logger LOG = Logger.getLogger(PaymentService.class);

    private final PaymentRepository payments;
    private final AuthorizationRule rule;

    PaymentService(PaymentRepository payments, PaymentConfig config) {
        this.payments = payments;
        this.rule = new AuthorizationRule(config.maxAmount());
    }

    /** The payments of one order (at most one); tombstones are not payments and are left out. */
    public List<Dated<Payment>> findByOrder(String orderId) {
        return payments.findByOrder(orderId);
    }

    /**
     * Authorizes or declines the order's payment. A second call for the same order returns the first outcome;
     * after a compensation it returns a VOIDED payment (possibly a tombstone) and creates nothing.
     */
    @Transactional
    public Payment authorize(String orderId, String customerId, BigDecimal amount, String currency,
            String paymentToken) {
        Optional<Payment> existing = payments.lockByOrder(orderId);
        if (existing.isPresent()) {
            return existing.get();
        }
        // Stored with 2 decimals; the same scale as a payment read back, so a repeated event carries the same amount.
        BigDecimal money = amount.setScale(2, RoundingMode.UNNECESSARY);
        Payment payment = new Payment(newPaymentId(), orderId, customerId, money, currency,
                rule.decide(money, paymentToken));
        payments.insert(payment);
        return payment;
    }

    /** Compensation: releases a held authorization; when there is no payment yet, leaves a tombstone instead. */
    @Transactional
    public void voidPayment(String orderId) {
        Optional<Payment> found = lockOrLeaveTombstone(orderId);
        if (found.isEmpty()) {
            return;
        }
        Payment payment = found.get();
        if (payment.status() == PaymentStatus.CAPTURED) {
            LOG.warnf("Order %s: compensation after capture ignored, payment %s stays CAPTURED until the order's"
                    + " outcome says otherwise", orderId, payment.paymentId());
            return;
        }
        Payment voided = payment.voided();
        if (voided.status() != payment.status()) {
            payments.updateStatus(voided);
        }
    }

    /**
     * The order's outcome says rejected: a held authorization is voided, a captured payment refunded (the close
     * reached this service before the saga was cancelled after all, e.g. by the coordinator's timer after a crash of
     * order-route); when there is no payment yet, a tombstone is left.
     */
    @Transactional
    public void settleRejected(String orderId) {
        lockOrLeaveTombstone(orderId).ifPresent(payment -> {
            Payment settled = payment.rejected();
            if (settled.status() != payment.status()) {
                if (settled.status() == PaymentStatus.REFUNDED) {
                    LOG.warnf("Order %s rejected after its payment %s was captured: refunded", orderId,
                            payment.paymentId());
                }
                payments.updateStatus(settled);
            }
        });
    }

    /**
     * The order's payment, locked; when there is none yet, a tombstone is left instead (so an authorization that
     * arrives late finds its saga over) and nothing is returned.
     */
    private Optional<Payment> lockOrLeaveTombstone(String orderId) {
        Optional<Payment> found = payments.lockByOrder(orderId);
        if (found.isEmpty()) {
            payments.insert(Payment.tombstone(newPaymentId(), orderId));
        }
        return found;
    }

    /** Completion: a held authorization is captured; anything else is left as it is. */
    @Transactional
    public void capture(String orderId) {
        payments.lockByOrder(orderId).ifPresent(payment -> {
            Payment captured = payment.captured();
            if (captured.status() != payment.status()) {
                payments.updateStatus(captured);
            }
        });
    }

    private static String newPaymentId() {
        return UUID.randomUUID().toString();
    }
}
