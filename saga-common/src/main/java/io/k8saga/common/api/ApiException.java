package io.k8saga.common.api;

import java.time.Duration;
import java.util.Optional;

/**
 * A client mistake or a state conflict that becomes an RFC 9457 problem response.
 * {@code field} names the offending request field, or is null when the problem is not about one field.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String field;
    private final Duration retryAfter;

    public ApiException(int status, String field, String detail) {
        this(status, field, detail, null);
    }

    private ApiException(int status, String field, String detail, Duration retryAfter) {
        super(detail);
        this.status = status;
        this.field = field;
        this.retryAfter = retryAfter;
    }

    /** A 503: the request was not carried out, and may be sent again after {@code retryAfter}. */
    public static ApiException unavailable(String detail, Duration retryAfter) {
        return new ApiException(503, null, detail, retryAfter);
    }

    public static ApiException invalidField(String field, String detail) {
        return new ApiException(400, field, field + ": " + detail);
    }

    /** A 403: the caller is known, and may not do this; {@code field} names what it reached for, may be null. */
    public static ApiException forbidden(String field, String detail) {
        return new ApiException(403, field, detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, null, detail);
    }

    public static ApiException conflict(String field, String detail) {
        return new ApiException(409, field, detail);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    /** The {@code Retry-After} header's value (whole seconds, at least 1), or empty when the answer has none. */
    public Optional<String> retryAfterHeader() {
        return Optional.ofNullable(retryAfter).map(ApiException::retryAfterValue);
    }

    /** A wait as a {@code Retry-After} value: whole seconds, rounded up, at least 1. */
    static String retryAfterValue(Duration wait) {
        return Long.toString(Math.max(1, (wait.toMillis() + 999) / 1000));
    }
}
