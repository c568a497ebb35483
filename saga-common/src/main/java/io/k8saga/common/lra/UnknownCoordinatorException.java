package io.k8saga.common.lra;

import java.util.List;

/**
 * An LRA id that names a coordinator this service is not configured with. Such an id came from outside (a message
 * header) and is never called: the event that carries it can never be applied, and goes to the dead letters.
 */
public class UnknownCoordinatorException extends RuntimeException {

    public UnknownCoordinatorException(String sagaId, List<String> shards) {
        super("LRA " + sagaId + " belongs to none of the configured coordinators " + shards);
    }
}
