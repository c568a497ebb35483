package io.k8saga.testkit;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Points the public API's token verification of a service under test at the key pair of {@link ApiTokens#forTests()}:
 * a service of a module test accepts what that signs, and nothing else. On the test class path only (testkit is a
 * test dependency), above application.properties so that no profile there can weaken it.
 */
public class TestTokenConfig implements ConfigSource {

    @Override
    public Map<String, String> getProperties() {
        return Map.of(
                "mp.jwt.verify.issuer", ApiTokens.TEST_ISSUER,
                "mp.jwt.verify.audiences", ApiTokens.AUDIENCE,
                "mp.jwt.verify.publickey", ApiTokens.testPublicKey());
    }

    @Override
    public Set<String> getPropertyNames() {
        return getProperties().keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return getProperties().get(propertyName);
    }

    @Override
    public int getOrdinal() {
        return 275;
    }

    @Override
    public String getName() {
        return "testkit-api-tokens";
    }
}
