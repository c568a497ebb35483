package io.k8saga.common.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a JSON request body field by field, so every type or range mistake is reported with the field's name.
 * Unknown fields are ignored; a field given twice is an error (which one would count is not obvious). Strings are
 * never coerced into numbers or the other way round.
 */
public final class JsonRequest {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    // application/json or application/<something>+json, with optional parameters such as charset.
    private static final Pattern JSON_MEDIA_TYPE =
            Pattern.compile("application/([a-z0-9.+-]*\\+)?json\\s*(;.*)?", Pattern.CASE_INSENSITIVE);
    // The value of a charset parameter, quoted or not.
    private static final Pattern CHARSET =
            Pattern.compile(";\\s*charset\\s*=\\s*\"?([^\";\\s]*)", Pattern.CASE_INSENSITIVE);

    private final JsonNode root;

    private JsonRequest(JsonNode root) {
        this.root = root;
    }

    /**
     * Reads a request body: 415 naming {@code Content-Type} unless that is JSON in UTF-8 (JSON has no other
     * encoding, RFC 8259), 400 naming {@code body} when it is not valid UTF-8 (nothing is replaced silently) or not
     * a JSON object. The size is capped before this, by {@code quarkus.http.limits.max-body-size}.
     */
    public static JsonRequest parse(String contentType, byte[] body) {
        if (contentType == null || !JSON_MEDIA_TYPE.matcher(contentType).matches()) {
            throw new ApiException(415, "Content-Type", "Content-Type must be application/json, was " + contentType);
        }
        Matcher charset = CHARSET.matcher(contentType);
        if (charset.find() && !charset.group(1).equalsIgnoreCase("UTF-8")) {
            throw new ApiException(415, "Content-Type", "Content-Type: the charset must be UTF-8, was "
                    + charset.group(1));
        }
        return parse(body == null ? null : utf8(body));
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiException.invalidField("body", "is not valid UTF-8");
        }
    }

    public static JsonRequest parse(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.invalidField("body", "a JSON object is required");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (StreamConstraintsException e) {
            // Jackson's limits (nesting depth, number and string length) guard the parser; they carry no location.
            throw ApiException.invalidField("body", "exceeds the parser's limits: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw ApiException.invalidField("body", describe(e));
        }
        if (root == null || !root.isObject()) {
            throw ApiException.invalidField("body", "must be a JSON object");
        }
        return new JsonRequest(root);
    }

    private static String describe(JsonProcessingException e) {
        String problem = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                ? "duplicate field" + e.getOriginalMessage().substring("Duplicate field".length())
                : "malformed JSON";
        JsonLocation at = e.getLocation();
        return at == null ? problem : problem + " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    }

    public String requiredText(String field, int maxLength) {
        return optionalText(field, maxLength)
                .orElseThrow(() -> ApiException.invalidField(field, "is required"));
    }

    /** A string field; absent or JSON null gives empty, an empty or over-long string is an error. */
    public Optional<String> optionalText(String field, int maxLength) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            throw ApiException.invalidField(field, "must be a string");
        }
        String value = node.textValue();
        if (value.isEmpty() || value.length() > maxLength) {
            throw ApiException.invalidField(field, "must be 1 to " + maxLength + " characters long");
        }
        return Optional.of(value);
    }

    public Optional<String> optionalMatching(String field, Pattern pattern, String expected) {
        Optional<String> value = optionalText(field, Integer.MAX_VALUE);
        if (value.isPresent() && !pattern.matcher(value.get()).matches()) {
            throw ApiException.invalidField(field, "must be " + expected);
        }
        return value;
    }

    /**
     * A money amount: a JSON number that {@link Formats#moneyProblem} accepts.
     */
    public BigDecimal requiredMoney(String field, boolean zeroAllowed) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw ApiException.invalidField(field, "is required");
        }
        if (!node.isNumber()) {
            throw ApiException.invalidField(field, "must be a JSON number");
        }
        BigDecimal value = node.decimalValue();
        String problem = Formats.moneyProblem(value, zeroAllowed);
        if (problem != null) {
            throw ApiException.invalidField(field, problem);
        }
        return value.setScale(2);
    }
}
