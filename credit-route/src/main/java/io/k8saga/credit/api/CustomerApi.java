package io.k8saga.credit.api;

import io.k8saga.common.api.ApiException;
import io.k8saga.common.api.JsonRequest;
import io.k8saga.common.db.DataAccessException;
import io.k8saga.credit.domain.CreditService;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.util.UUID;
import java.util.regex.Pattern;

/** Validates public API requests and turns them into calls on {@link CreditService}. */
@ApplicationScoped
public class CustomerApi {

    static final Pattern CUSTOMER_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final CreditService credit;

    CustomerApi(CreditService credit) {
        this.credit = credit;
    }

    public CustomerView register(String contentType, String body) {
        JsonRequest request = JsonRequest.parse(contentType, body);
        String customerId = request.optionalMatching("customerId", CUSTOMER_ID, "1 to 64 of A-Z a-z 0-9 . _ -")
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

    public CustomerView find(String customerId) {
        return credit.find(customerId)
                .map(CustomerView::of)
                .orElseThrow(() -> ApiException.notFound("no customer " + customerId));
    }
}
