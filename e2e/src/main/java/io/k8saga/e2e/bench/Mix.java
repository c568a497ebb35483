package io.k8saga.e2e.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The outcome mix of a run: integer weights per order class ({@code approve}, {@code credit} refusal,
 * payment {@code decline}). Weights need not add up to 100; a class with weight 0 is never picked.
 * {@code cycle} is the order in which classes are handed out, one slot per unit of weight.
 */
public record Mix(Map<OrderClass, Integer> weights, List<OrderClass> cycle) {

    /** What an order is built to end as, and which saga path that takes. */
    public enum OrderClass {
        APPROVE("approve", "APPROVED", null),
        CREDIT("credit", "REJECTED", "CREDIT_LIMIT_EXCEEDED"),
        DECLINE("decline", "REJECTED", "PAYMENT_DECLINED");

        public final String key;
        public final String expectedStatus;
        public final String expectedReason;

        OrderClass(String key, String expectedStatus, String expectedReason) {
            this.key = key;
            this.expectedStatus = expectedStatus;
            this.expectedReason = expectedReason;
        }

        /** approve for an approval, compensation for every rejection (the LRA is cancelled). */
        public String path() {
            return this == APPROVE ? "approve" : "compensation";
        }
    }

    /** Reads {@code approve=90,credit=5,decline=5}; classes left out get weight 0. */
    public static Mix parse(String text) {
        Map<OrderClass, Integer> weights = new LinkedHashMap<>();
        for (OrderClass c : OrderClass.values()) {
            weights.put(c, 0);
        }
        for (String part : text.split(",")) {
            String[] kv = part.trim().split("=", 2);
            OrderClass c = null;
            for (OrderClass candidate : OrderClass.values()) {
                if (candidate.key.equals(kv[0].trim())) {
                    c = candidate;
                }
            }
            if (c == null || kv.length != 2) {
                throw new IllegalArgumentException(
                        "--mix takes approve=N,credit=N,decline=N (got '" + text + "')");
            }
            try {
                int w = Integer.parseInt(kv[1].trim());
                if (w < 0) {
                    throw new NumberFormatException();
                }
                weights.put(c, w);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--mix weight of " + c.key + " must be a whole number >= 0");
            }
        }
        if (weights.values().stream().mapToInt(Integer::intValue).sum() == 0) {
            throw new IllegalArgumentException("--mix needs at least one weight above 0");
        }
        return new Mix(Map.copyOf(weights), cycle(weights));
    }

    /**
     * The class of the n-th order. The cycle has exactly the requested counts (a random pick would drift on
     * short runs).
     */
    public OrderClass pick(long n) {
        return cycle.get((int) (n % cycle.size()));
    }

    /** Smooth weighted round robin, so that rejections are spread through the cycle, not bunched together. */
    private static List<OrderClass> cycle(Map<OrderClass, Integer> weights) {
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        Map<OrderClass, Integer> current = new EnumMap<>(OrderClass.class);
        List<OrderClass> cycle = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            OrderClass best = null;
            for (OrderClass c : OrderClass.values()) {
                current.merge(c, weights.get(c), Integer::sum);
                if (weights.get(c) > 0 && (best == null || current.get(c) > current.get(best))) {
                    best = c;
                }
            }
            current.merge(best, -total, Integer::sum);
            cycle.add(best);
        }
        return List.copyOf(cycle);
    }

    @Override
    public String toString() {
        return java.util.Arrays.stream(OrderClass.values())
                .map(c -> c.key + "=" + weights.get(c))
                .collect(Collectors.joining(","));
    }
}
