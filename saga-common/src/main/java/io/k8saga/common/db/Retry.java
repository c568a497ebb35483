package io.k8saga.common.db;

import java.util.function.Supplier;

/**
 * Re-runs a transaction that lost a race (for example a saga callback inserting the same row at the same time).
 * The work must open its own transaction, so every attempt starts clean.
 */
public final class Retry {

    private static final int ATTEMPTS = 5;

    private Retry() {
    }

    public static <T> T onConflict(Supplier<T> transaction) {
        for (int attempt = 1; ; attempt++) {
            try {
                return transaction.get();
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS || !isTransient(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataAccessException dae && dae.isTransient()) {
                return true;
            }
        }
        return false;
    }
}
