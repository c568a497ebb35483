package io.k8saga.common.api;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/** The value formats the public API and the events share, so every service checks them the same way. */
public final class Formats {

    /** Customer and order ids. URL-safe on purpose: an order id goes unescaped into the LRA callback URLs. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    public static final String ID_DESCRIPTION = "1 to 64 of A-Z a-z 0-9 . _ -";

    /** ISO 4217 currency codes. */
    public static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    /** Longest payment token an order may carry (the API's limit, and what payment-route accepts in a request). */
    public static final int MAX_PAYMENT_TOKEN_LENGTH = 64;

    /** Largest amount of money the system accepts (a credit limit or an order amount). */
    public static final BigDecimal MAX_MONEY = new BigDecimal("1000000000");

    private Formats() {
    }

    /**
     * Whether an event's order can be acted on: order and customer ids of {@link #ID}'s form (the order id goes
     * unescaped into the coordinator's callback URLs), a valid amount of money greater than zero, a currency code.
     * Each step checks its event with this before it joins a saga.
     */
    public static boolean isWellFormedOrder(String orderId, String customerId, BigDecimal amount, String currency) {
        return orderId != null && ID.matcher(orderId).matches()
                && customerId != null && ID.matcher(customerId).matches()
                && amount != null && moneyProblem(amount, false) == null
                && currency != null && CURRENCY.matcher(currency).matches();
    }

    /**
     * Why {@code value} is not a valid amount of money (at most 2 decimals, at most {@link #MAX_MONEY}, greater than
     * zero unless {@code zeroAllowed}), or null when it is.
     */
    public static String moneyProblem(BigDecimal value, boolean zeroAllowed) {
        if (value.signum() < 0 || (!zeroAllowed && value.signum() == 0) || value.compareTo(MAX_MONEY) > 0) {
            return "must be " + (zeroAllowed ? "at least 0" : "greater than 0") + " and at most 1000000000";
        }
        if (value.stripTrailingZeros().scale() > 2) {
            return "must have at most 2 decimals";
        }
        return null;
    }
}
