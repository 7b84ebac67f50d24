package dev.smtpapi.mailet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.google.common.collect.ImmutableList;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The engagement fields that the X-MSYS-API header and the {@code smtpapi_*} attributes share, with the type
 * and size rules of docs/behaviour.md §3. A value that breaks a rule raises {@link FieldException} with Momentum's wording.
 */
final class EngagementFields {
    static final String CAMPAIGN_ID = "campaign_id";
    static final String METADATA = "metadata";
    static final String TAGS = "tags";
    static final int MAX_CAMPAIGN_ID_BYTES = 64;
    static final int MAX_TAGS = 10;

    /** Thread-safe once configured; shared by every mail. */
    static final ObjectMapper JSON = JsonMapper.builder().build();

    private EngagementFields() {
    }

    static JsonNode parseJson(String text) throws FieldException {
        try {
            JsonNode node = JSON.readTree(text);
            if (node == null || node.isMissingNode()) {
                throw new FieldException(null, "must be a JSON object, was empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new FieldException(null, "is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    static String campaignId(JsonNode node) throws FieldException {
        if (!node.isTextual()) {
            throw new FieldException(CAMPAIGN_ID, "must be of type 'string'");
        }
        String value = node.textValue();
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_CAMPAIGN_ID_BYTES) {
            throw new FieldException(CAMPAIGN_ID, "must be at most " + MAX_CAMPAIGN_ID_BYTES + " bytes");
        }
        return value;
    }

    /** The metadata object as compact JSON text. */
    static String metadata(JsonNode node) throws FieldException {
        if (!node.isObject()) {
            throw new FieldException(METADATA, "must be of type 'json object'");
        }
        return node.toString();
    }

    /** The tags, only the first {@value #MAX_TAGS} kept. */
    static List<String> tags(JsonNode node) throws FieldException {
        if (!node.isArray()) {
            throw new FieldException(TAGS, "must be of type 'json array'");
        }
        ImmutableList.Builder<String> tags = ImmutableList.builder();
        int kept = 0;
        for (JsonNode tag : node) {
            if (!tag.isTextual()) {
                throw new FieldException(TAGS, "must be an array of type 'string'");
            }
            if (kept < MAX_TAGS) {
                tags.add(tag.textValue());
                kept++;
            }
        }
        return tags.build();
    }

    static boolean bool(String field, JsonNode node) throws FieldException {
        if (!node.isBoolean()) {
            throw new FieldException(field, "must be of type 'boolean'");
        }
        return node.booleanValue();
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** A field, or the whole value when {@code field} is null, that breaks a rule. */
    static final class FieldException extends Exception {
        private static final long serialVersionUID = 1L;
        private final String field;

        FieldException(String field, String problem) {
            super(problem, null, false, false);
            this.field = field;
        }

        /** Momentum's wording, e.g. {@code X-MSYS-API 'metadata' must be of type 'json object'}. */
        String describe(String source) {
            return field == null ? source + " " + getMessage() : source + " '" + field + "' " + getMessage();
        }
    }
}
