package io.k8saga.order.api;

import io.k8saga.common.api.ApiException;
import io.k8saga.common.api.Caller;
import io.k8saga.common.api.Formats;
import io.k8saga.common.api.JsonRequest;
import io.k8saga.common.db.Retry;
import io.k8saga.order.domain.OrderQuery;
import io.k8saga.order.domain.OrderRequest;
import io.k8saga.order.domain.OrderService;
import io.k8saga.order.domain.OrderStatus;
import io.k8saga.order.domain.Placement;
import io.k8saga.order.domain.SagaAdmission;
import io.k8saga.order.message.OrderSagaStarter;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/** Validates public API requests and turns them into calls on {@link OrderService}. */
@ApplicationScoped
public class OrderApi {

    // Visible ASCII, no spaces: what the Idempotency-Key header may hold.
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[\\x21-\\x7E]{1,128}");
    private static final int DEFAULT_PAGE_SIZE = 50;
    private static final int MAX_PAGE_SIZE = 200;

    private static final Logger LOG = Logger.getLogger(OrderApi.class);

    private final OrderService orders;
    private final OrderSagaStarter sagas;
    private final SagaAdmission admission;

    OrderApi(OrderService orders, OrderSagaStarter sagas, SagaAdmission admission) {
        this.orders = orders;
        this.sagas = sagas;
        this.admission = admission;
    }

    /**
     * Validates everything first, so a refused request stores nothing and starts no saga; then, if a place is free
     * among the sagas in flight, stores the order and starts its saga. With no place free the answer is a 503 with
     * Retry-After, unless the request replays an order accepted earlier under its Idempotency-Key. An order whose
     * saga cannot start is removed again and the client told to retry.
     */
    public PlacedOrder place(Caller caller, String contentType, String idempotencyHeader, byte[] body) {
        if (idempotencyHeader != null && !IDEMPOTENCY_KEY.matcher(idempotencyHeader).matches()) {
            throw ApiException.invalidField("Idempotency-Key", "must be 1 to 128 visible ASCII characters");
        }
        String idempotencyKey = idempotencyHeader == null ? null : scoped(caller, idempotencyHeader);
        JsonRequest json = JsonRequest.parse(contentType, body);
        String customerId = json.optionalMatching("customerId", Formats.ID, Formats.ID_DESCRIPTION)
                .or(() -> Optional.ofNullable(caller.customerId()))
                .orElseThrow(() -> ApiException.invalidField("customerId", "is required"));
        caller.requireReach("customerId", customerId);
        OrderRequest request = new OrderRequest(
                customerId,
                json.requiredMoney("amount", false),
                json.optionalMatching("currency", Formats.CURRENCY, "3 upper-case letters (ISO 4217)").orElse("EUR"),
                json.optionalText("paymentToken", Formats.MAX_PAYMENT_TOKEN_LENGTH).orElse("tok_ok"));
        if (!admission.tryReserve()) {
            return orders.placedEarlier(request, idempotencyKey)
                    .map(earlier -> new PlacedOrder(OrderView.of(earlier, caller), 200))
                    .orElseThrow(() -> {
                        admission.shed();
                        return ApiException.unavailable("Too many orders in progress (" + admission.inFlight()
                                + "); nothing was stored, retry after Retry-After seconds", admission.retryAfter());
                    });
        }
        Placement placement;
        try {
            // Two requests racing with one idempotency key: the loser re-reads the winner's order.
            placement = Retry.onConflict(() -> orders.place(request, idempotencyKey));
        } catch (RuntimeException e) {
            admission.cancelReservation();
            throw e;
        }
        String orderId = placement.order().orderId();
        if (!placement.isNew()) {
            admission.cancelReservation();
            return new PlacedOrder(find(caller, orderId), 200);
        }
        admission.accepted(orderId);
        startSaga(orderId);
        return new PlacedOrder(find(caller, orderId), 202);
    }

    private void startSaga(String orderId) {
        try {
            sagas.start(orderId);
        } catch (Exception e) {
            LOG.errorf(e, "Order %s: saga not started", orderId);
            orders.abandon(orderId);
            throw ApiException.unavailable("The order saga could not be started; nothing was kept, retry later",
                    admission.retryAfter());
        }
    }

    /** The order; 404 also for another customer's order, so a customer cannot learn which order ids exist. */
    public OrderView find(Caller caller, String orderId) {
        return orders.find(orderId)
                .filter(order -> caller.mayReach(order.customerId()))
                .map(order -> OrderView.of(order, caller))
                .orElseThrow(() -> ApiException.notFound("no order " + orderId));
    }

    /** The {@code Preference-Applied} answer to a {@code Prefer} header, or null when it asks for nothing we do. */
    public String appliedPreference(String prefer) {
        return WaitPreference.of(prefer).map(WaitPreference::applied).orElse(null);
    }

    /** A page of orders; a customer's lists hold only its own orders, and may name no other customer. */
    public OrderPage list(Caller caller, String customerId, String status, String page, String size) {
        String customer = Optional.ofNullable(blankToNull(customerId)).orElse(caller.customerId());
        if (customer != null) {
            caller.requireReach("customerId", customer);
        }
        OrderQuery query = new OrderQuery(
                customer,
                parseStatus(blankToNull(status)),
                parseInt("page", page, 0, 0, Integer.MAX_VALUE / MAX_PAGE_SIZE),
                parseInt("size", size, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE));
        return new OrderPage(orders.list(query).stream().map(order -> OrderView.of(order, caller)).toList(),
                query.page(), query.size(),
                orders.count(query));
    }

    /**
     * The key an Idempotency-Key header is stored under: a digest of the caller's scope and the header, so two
     * callers' keys never meet, and the stored key stays within its column whatever the scope's length.
     */
    static String scoped(Caller caller, String idempotencyHeader) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((caller.idempotencyScope() + "\n"
                    + idempotencyHeader).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static OrderStatus parseStatus(String status) {
        if (status == null) {
            return null;
        }
        return Arrays.stream(OrderStatus.values())
                .filter(candidate -> candidate.name().equals(status))
                .findFirst()
                .orElseThrow(() -> ApiException.invalidField("status", "must be one of "
                        + Arrays.toString(OrderStatus.values())));
    }

    private static int parseInt(String name, String value, int absent, int min, int max) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below, like an out-of-range number
        }
        throw ApiException.invalidField(name, "must be an integer from " + min + " to " + max);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
