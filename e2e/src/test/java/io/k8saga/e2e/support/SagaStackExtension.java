package io.k8saga.e2e.support;

import io.k8saga.testkit.ApiTokens;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Provides the application under test to every {@link SystemTest}. The first test class to run opens it and keeps
 * it in the root store, so the local stack starts once per run and stops when the run ends; a stack that failed to
 * start fails every class with the same cause instead of being retried.
 */
public final class SagaStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SagaStackExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == PublicApi.class || type == SagaStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        SagaStack stack = stack(context);
        return parameter.getParameter().getType() == SagaStack.class ? stack : new PublicApi(stack.baseUrl(), stack.tokens());
    }

    private static SagaStack stack(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(Handle.class, key -> Handle.open(), Handle.class)
                .stack();
    }

    /**
     * The opened stack, or why it could not be opened; closing it stops a stack the suite started and the edge proxy
     * in front of it.
     */
    private record Handle(SagaStack opened, LocalStack started, EdgeProxy edge, RuntimeException failure)
            implements ExtensionContext.Store.CloseableResource {

        static Handle open() {
            Optional<java.net.URI> external = Settings.baseUrl();
            if (external.isPresent()) {
                Path key = Settings.tokenKey().orElseThrow(() -> new IllegalStateException("-De2e.baseUrl needs"
                        + " -De2e.tokenKey: the private key that signs the API's bearer tokens"));
                ApiTokens tokens = ApiTokens.fromPemFile(key, Settings.tokenIssuer(), Settings.tokenAudience());
                return new Handle(new SagaStack(external.get(), Settings.externalSagaTimeout(), tokens,
                        Optional.empty(), true), null, null, null);
            }
            LocalStack local = null;
            try {
                local = LocalStack.start();
                if (!Settings.nginxEdge()) {
                    return new Handle(new SagaStack(local.baseUrl(), local.sagaTimeout(), local.tokens(),
                            Optional.of(local), false), local, null, null);
                }
                EdgeProxy edge = local.startEdgeProxy();
                return new Handle(new SagaStack(edge.baseUrl(), local.sagaTimeout(), local.tokens(), Optional.empty(),
                        true), local, edge, null);
            } catch (RuntimeException e) {
                if (local != null) {
                    local.close();
                }
                return new Handle(null, null, null, e);
            }
        }

        SagaStack stack() {
            if (failure != null) {
                throw new IllegalStateException("the application under test is not available: " + failure.getMessage(),
                        failure);
            }
            return opened;
        }

        @Override
        public void close() {
            if (edge != null) {
                edge.close();
            }
            if (started != null) {
                started.close();
            }
        }
    }
}
