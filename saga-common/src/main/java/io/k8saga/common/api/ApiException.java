package io.k8saga.common.api;

/**
 * A client mistake or a state conflict that becomes an RFC 9457 problem response.
 * {@code field} names the offending request field, or is null when the problem is not about one field.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String field;

    public ApiException(int status, String field, String detail) {
        super(detail);
        this.status = status;
        this.field = field;
    }

    public static ApiException invalidField(String field, String detail) {
        return new ApiException(400, field, field + ": " + detail);
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
}
