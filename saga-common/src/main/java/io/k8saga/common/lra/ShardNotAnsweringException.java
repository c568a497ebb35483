package io.k8saga.common.lra;

import java.io.IOException;

/** The coordinator shard of a saga did not answer its last call: an outage, as a refused connection would be. */
public class ShardNotAnsweringException extends IOException {

    public ShardNotAnsweringException(String sagaId) {
        super("the coordinator shard of " + sagaId + " did not answer its last call");
    }
}
