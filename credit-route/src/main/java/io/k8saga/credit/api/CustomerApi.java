package io.k8saga.credit.api;

import io.k8saga.common.api.ApiException;
import io.k8saga.common.api.Caller;
import io.k8saga.common.api.Formats;
import io.k8saga.common.api.JsonRequest;
import io.k8saga.common.db.DataAccessException;
import io.k8saga.credit.domain.CreditService;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.math.BigDecimal;
import java.util.UUID;

/** Validates public API requests and turns them into calls on {@link CreditService}. */
@ApplicationScoped
public class CustomerApi {

    private final CreditService credit;

    CustomerApi(CreditService credit) {
        this.credit = credit;
    }

    /** Creates a customer with its credit limit: administrators only. */
    public CustomerView register(Caller caller, String contentType, byte[] body) {
        caller.requireAdmin("Creating a customer");
        JsonRequest request = JsonRequest.parse(contentType, body);
        String customerId = request.optionalMatching("customerId", Formats.ID, Formats.ID_DESCRIPTION)
                .orElseGet(() -> UUID.randomUUID().toString());
        String name = request.requiredText("name", 200);
        BigDecimal creditLimit = request.requiredMoney("creditLimit", true);
        try {
            return CustomerView.of(credit.register(customerId, name, creditLimit));
        } catch (DataAccessException e) {
            // Two requests raced for one id: the loser gets the same answer as a later duplicate.
            if (e.isTransient()) {
                throw ApiException.conflict("customerId", "customer " + customerId + " exists already");
            }
            throw e;
        }
    }

    /**
     * The customer's reservations, one per order that asked for credit, oldest first, or only the one of
     * {@code orderId} (none when that order asked this customer for nothing); 404 for an unknown customer.
     */
    public List<ReservationView> reservations(Caller caller, String customerId, String orderId) {
        String order = orderId == null || orderId.isBlank() ? null : orderId;
        if (order != null && !Formats.ID.matcher(order).matches()) {
            throw ApiException.invalidField("orderId", Formats.ID_DESCRIPTION);
        }
        find(caller, customerId);
        return credit.reservationsOf(customerId, order).stream().map(ReservationView::of).toList();
    }

    /** The customer; 403 for a customer token naming another customer, before anything is looked up. */
    public CustomerView find(Caller caller, String customerId) {
        caller.requireReach("customerId", customerId);
        return credit.find(customerId)
                .map(CustomerView::of)
                .orElseThrow(() -> ApiException.notFound("no customer " + customerId));
    }
}
