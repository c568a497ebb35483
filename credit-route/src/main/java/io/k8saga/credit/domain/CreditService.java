package io.k8saga.credit.domain;

import io.k8saga.common.api.ApiException;
import io.k8saga.common.db.Dated;
import io.k8saga.credit.repository.CustomerRepository;
import io.k8saga.credit.repository.ReservationRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Customers and credit reservations. Each method is one local transaction; the saga methods are keyed by
 * order id so that a replayed message or a repeated callback changes nothing the second time.
 */
@ApplicationScoped
public class CreditService {

    private static final Logger LOG = Logger.getLogger(CreditService.class);

    private final CustomerRepository customers;
    private final ReservationRepository reservations;

    CreditService(CustomerRepository customers, ReservationRepository reservations) {
        this.customers = customers;
        this.reservations = reservations;
    }

    @Transactional
    public Customer register(String customerId, String name, BigDecimal creditLimit) {
        if (customers.find(customerId).isPresent()) {
            throw ApiException.conflict("customerId", "customer " + customerId + " exists already");
        }
        Customer customer = new Customer(customerId, name, creditLimit, BigDecimal.ZERO.setScale(2));
        customers.insert(customer);
        return customer;
    }

    public Optional<Customer> find(String customerId) {
        return customers.find(customerId);
    }

    /** The customer's reservations, or only the one for {@code orderId} when it is not null. */
    public List<Dated<Reservation>> reservationsOf(String customerId, String orderId) {
        return orderId == null ? reservations.ofCustomer(customerId) : reservations.ofCustomerOrder(customerId, orderId);
    }

    /**
     * Reserves {@code amount} for the order, or records why not. A second call for the same order returns the
     * first outcome; after a compensation it returns RELEASED and reserves nothing.
     */
    @Transactional
    public ReservationStatus reserve(String orderId, String customerId, BigDecimal amount) {
        Optional<Reservation> existing = reservations.lock(orderId);
        if (existing.isPresent()) {
            return existing.get().status();
        }
        Optional<Customer> customer = customers.lock(customerId);
        ReservationStatus outcome;
        if (customer.isEmpty()) {
            outcome = ReservationStatus.CUSTOMER_NOT_FOUND;
        } else if (customer.get().canReserve(amount)) {
            customers.updateReserved(customer.get().reserve(amount));
            outcome = ReservationStatus.PENDING;
        } else {
            outcome = ReservationStatus.LIMIT_EXCEEDED;
        }
        reservations.insert(new Reservation(orderId, customerId, amount, outcome));
        return outcome;
    }

    /** Compensation: gives the credit back; when nothing was reserved yet, leaves a tombstone instead. */
    @Transactional
    public void release(String orderId) {
        giveBack(orderId, false);
    }

    /**
     * The order was rejected (its outcome event): as {@link #release}, and a reservation confirmed by a completion
     * that the order's own decision overtook is given back too, since the order is what the customer sees.
     */
    @Transactional
    public void settleRejected(String orderId) {
        giveBack(orderId, true);
    }

    private void giveBack(String orderId, boolean evenIfConfirmed) {
        Optional<Reservation> found = reservations.lock(orderId);
        if (found.isEmpty()) {
            reservations.insert(Reservation.tombstone(orderId));
            return;
        }
        Reservation reservation = found.get();
        boolean held = reservation.status() == ReservationStatus.PENDING
                || (evenIfConfirmed && reservation.status() == ReservationStatus.CONFIRMED);
        if (held) {
            Customer customer = customers.lock(reservation.customerId()).orElseThrow();
            customers.updateReserved(customer.release(reservation.amount()));
            reservations.updateStatus(reservation.withStatus(ReservationStatus.RELEASED));
        } else if (reservation.status() == ReservationStatus.CONFIRMED) {
            LOG.warnf("Order %s: compensation after completion ignored", orderId);
        }
    }

    /** Completion: the reservation becomes permanent. */
    @Transactional
    public void confirm(String orderId) {
        reservations.lock(orderId)
                .filter(reservation -> reservation.status() == ReservationStatus.PENDING)
                .ifPresent(reservation -> reservations.updateStatus(reservation.withStatus(ReservationStatus.CONFIRMED)));
    }
}
