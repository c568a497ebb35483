package io.k8saga.common.message;

/** An event that can never be applied, however often it is retried: it goes to the dead-letter topic at once. */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String message) {
        super(message);
    }
}
