package io.k8saga.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Bearer tokens for the public API, signed RS256 the way an identity provider signs them, and the forgeries a
 * security test tries: unsigned ({@code alg: none}), signed by another key, expired, of another issuer or audience.
 * {@link #forTests()} signs with a key pair made once per test JVM, whose public half {@link TestTokenConfig} hands
 * the service under test; {@link #fromPemFile} signs with an existing key (the local stack's, a kind cluster's).
 */
public final class ApiTokens {

    /** Issuer and audience of the tokens of module tests ({@link #forTests()}). */
    public static final String TEST_ISSUER = "saga-test";
    public static final String AUDIENCE = "saga";

    // System properties, not static fields: Quarkus loads the config source in another class loader than the test's,
    // and both must see one key pair.
    private static final String PRIVATE_KEY_PROPERTY = "saga.testkit.jwt.private-key";
    private static final String PUBLIC_KEY_PROPERTY = "saga.testkit.jwt.public-key";
    private static final Duration TTL = Duration.ofHours(2);

    private final PrivateKey key;
    private final String issuer;
    private final String audience;

    public ApiTokens(PrivateKey key, String issuer, String audience) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
    }

    /** Tokens the services of a module test accept (see {@link TestTokenConfig}). */
    public static ApiTokens forTests() {
        return new ApiTokens(decodePrivate(testKeyProperty(PRIVATE_KEY_PROPERTY)), TEST_ISSUER, AUDIENCE);
    }

    /** Base64 of the X.509 public key that verifies {@link #forTests()} tokens. */
    public static String testPublicKey() {
        return testKeyProperty(PUBLIC_KEY_PROPERTY);
    }

    /** Tokens signed with the PKCS#8 PEM private key in {@code file} (what {@code openssl genpkey} writes). */
    public static ApiTokens fromPemFile(Path file, String issuer, String audience) {
        try {
            return new ApiTokens(decodePrivate(pemBody(file)), issuer, audience);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token signing key " + file, e);
        }
    }

    /**
     * The base64 DER of the X.509 PEM public key in {@code file} ({@code ./saga keys} writes one), the one-line form a
     * service's {@code mp.jwt.verify.publickey} takes.
     */
    public static String publicKeyOfPemFile(Path file) {
        try {
            return pemBody(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token public key " + file, e);
        }
    }

    /** The base64 between a PEM file's BEGIN and END lines, on one line. */
    private static String pemBody(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", "")
                .replaceAll("\\s", "");
    }

    /** A fresh key pair, for tokens no service trusts. */
    public static PrivateKey strangerKey() {
        return newKeyPair().getPrivate();
    }

    public String admin() {
        return sign(claims("admin-test", List.of("admin")));
    }

    public String customer(String customerId) {
        Map<String, Object> claims = claims("customer:" + customerId, List.of("customer"));
        claims.put("customer_id", customerId);
        return sign(claims);
    }

    /** The claims of a valid token for {@code subject} with {@code groups}; change them and {@link #sign} them. */
    public Map<String, Object> claims(String subject, List<String> groups) {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("sub", subject);
        claims.put("groups", groups);
        claims.put("iat", now);
        claims.put("exp", now + TTL.toSeconds());
        claims.put("jti", UUID.randomUUID().toString());
        return claims;
    }

    public String sign(Map<String, Object> claims) {
        return signWith(key, claims);
    }

    /** The claims signed by another key than the one the services trust. */
    public static String signWith(PrivateKey signer, Map<String, Object> claims) {
        String signed = part(Map.of("alg", "RS256", "typ", "JWT")) + "." + part(claims);
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(signer);
            rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
            return signed + "." + base64Url(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RS256 is part of every JDK", e);
        }
    }

    /** The claims with {@code alg: none} and no signature, which no verifier may accept. */
    public static String unsigned(Map<String, Object> claims) {
        return part(Map.of("alg", "none", "typ", "JWT")) + "." + part(claims) + ".";
    }

    private static String part(Map<String, ?> json) {
        return base64Url(toJson(json).getBytes(StandardCharsets.UTF_8));
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** JSON of what claims hold here: strings, numbers and lists of strings. */
    private static String toJson(Object value) {
        if (value instanceof Map<?, ?> map) {
            return map.entrySet().stream()
                    .map(entry -> toJson(entry.getKey()) + ":" + toJson(entry.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(ApiTokens::toJson).collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Number) {
            return value.toString();
        }
        return "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static synchronized String testKeyProperty(String name) {
        if (System.getProperty(PRIVATE_KEY_PROPERTY) == null) {
            KeyPair pair = newKeyPair();
            Base64.Encoder base64 = Base64.getEncoder();
            System.setProperty(PUBLIC_KEY_PROPERTY, base64.encodeToString(pair.getPublic().getEncoded()));
            System.setProperty(PRIVATE_KEY_PROPERTY, base64.encodeToString(pair.getPrivate().getEncoded()));
        }
        return System.getProperty(name);
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is part of every JDK", e);
        }
    }

    private static PrivateKey decodePrivate(String base64) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder()
                    .decode(base64)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8 RSA private key", e);
        }
    }
}
