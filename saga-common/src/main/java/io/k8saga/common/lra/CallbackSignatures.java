package io.k8saga.common.lra;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Signs the completion and compensation URLs a participant gives the coordinator when it joins a saga, and checks
 * the signature of every callback that arrives. The signature is an HMAC-SHA256 over the LRA id and the order id,
 * so a callback can only act on the order it was joined for, and only in the name of the LRA that joined it: a
 * forged URL, or a real one replayed with another LRA id, fails the check. Keys come from
 * {@code saga.callback.keys}; the first signs, every one of them verifies (so a key can be rotated without
 * refusing the callbacks of sagas joined before). A singleton, made at start-up: a missing key stops the start.
 */
@Singleton
public class CallbackSignatures {

    /** The query parameter of a callback URL that carries the signature. */
    public static final String PARAMETER = "sig";
    /** The saga option (and so query parameter) every participant step must set: the order it acts on. */
    public static final String ORDER_ID = "orderId";
    static final int MIN_KEY_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final Logger LOG = Logger.getLogger(CallbackSignatures.class);

    private final List<SecretKeySpec> keys;

    @Inject
    CallbackSignatures(@ConfigProperty(name = "saga.callback.keys") Optional<List<String>> configured,
            @ConfigProperty(name = "saga.callback.ephemeral-key") boolean ephemeralAllowed) {
        this.keys = configured.filter(list -> !list.isEmpty())
                .map(CallbackSignatures::parse)
                .orElseGet(() -> ephemeral(ephemeralAllowed));
    }

    /** For tests of the signing alone. */
    CallbackSignatures(List<String> keys) {
        this.keys = parse(keys);
    }

    /** The signature of a callback URL for {@code orderId} in the LRA {@code lraId}, URL-safe. */
    public String sign(String lraId, String orderId) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac(keys.get(0), lraId, orderId));
    }

    /** True when {@code signature} was made by one of the keys for exactly this LRA id and order id. */
    public boolean verify(String lraId, String orderId, String signature) {
        if (lraId == null || orderId == null || signature == null) {
            return false;
        }
        byte[] presented;
        try {
            presented = Base64.getUrlDecoder().decode(signature);
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean valid = false;
        for (SecretKeySpec key : keys) {
            // Every key is tried, so the time taken says nothing about which one matched.
            valid |= MessageDigest.isEqual(mac(key, lraId, orderId), presented);
        }
        return valid;
    }

    private static byte[] mac(SecretKeySpec key, String lraId, String orderId) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            // The length prefix keeps ("a/b", "c") and ("a", "b/c") apart.
            mac.update((lraId.length() + ":" + lraId + orderId).getBytes(StandardCharsets.UTF_8));
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every JDK", e);
        }
    }

    private static List<SecretKeySpec> parse(List<String> keys) {
        return keys.stream().map(String::strip).map(key -> {
            if (key.length() < MIN_KEY_LENGTH) {
                throw new IllegalArgumentException("saga.callback.keys: every key needs at least " + MIN_KEY_LENGTH
                        + " characters (e.g. openssl rand -base64 48); one has " + key.length());
            }
            return new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        }).toList();
    }

    private static List<SecretKeySpec> ephemeral(boolean allowed) {
        if (!allowed) {
            throw new IllegalStateException("saga.callback.keys (env SAGA_CALLBACK_KEYS) is not set: every replica of"
                    + " every route needs the same secret key to sign and check the coordinator's callbacks");
        }
        LOG.warn("saga.callback.keys is not set: signing callbacks with a key of this process only (dev and test"
                + " profiles); callbacks of sagas joined before a restart will be refused");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return List.of(new SecretKeySpec(key, ALGORITHM));
    }
}
