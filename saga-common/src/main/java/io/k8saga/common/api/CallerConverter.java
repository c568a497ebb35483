package io.k8saga.common.api;

import io.vertx.ext.auth.User;
import org.apache.camel.Converter;

/** Lets a route bind {@link ApiAuthentication#CALLER} to a bean method's {@link Caller} parameter. */
@Converter
public final class CallerConverter {

    private CallerConverter() {
    }

    @Converter
    public static Caller toCaller(User user) {
        return ApiAuthentication.callerOf(user);
    }
}
