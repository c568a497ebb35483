package io.k8saga.order.api;

import java.util.List;

/**
 * The answer of {@code GET /admin/sagas/stuck}: the sagas that did not end by themselves, each with why it is
 * listed ({@code FAILED}: the coordinator gave up; {@code RECOVERING}: it keeps retrying a callback;
 * {@code NOT_FINISHING}: the order is PENDING past the saga timeout plus the grace; {@code UNKNOWN_COORDINATOR}: the
 * same, its LRA on no configured shard; {@code NO_SAGA}: the order never got an LRA), the coordinator's status of
 * the LRA, and the order (null when no order carries that LRA).
 */
public record StuckSagas(String checkedAt, int count, List<StuckSaga> sagas) {

    public record StuckSaga(String sagaId, String reason, String lraStatus, OrderView order) {
    }
}
