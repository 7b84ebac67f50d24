package dev.smtpapi.mailet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.smtpapi.mailet.XMsysApiHeader.InvalidHeaderException;
import jakarta.mail.internet.MimeUtility;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class XMsysApiHeaderTest {

    @Test
    void aFoldedHeaderIsUnfoldedAndRead() throws Exception {
        String raw = "{\"campaign_id\": \"spring-2026\",\r\n \"metadata\": {\"user\": \"42\"},"
                + "\r\n\t\"tags\": [\"promo\", \"summer\"],\r\n \"options\": {\"open_tracking\": true, "
                + "\"click_tracking\": false}, \"future_field\": [1, 2]}";

        XMsysApiHeader header = XMsysApiHeader.parse(raw);

        assertThat(header.campaignId()).contains("spring-2026");
        assertThat(header.metadataJson()).contains("{\"user\":\"42\"}");
        assertThat(header.tags()).contains(List.of("promo", "summer"));
        assertThat(header.openTracking()).contains(true);
        assertThat(header.clickTracking()).contains(false);
    }

    @Test
    void aHeaderThatAMailLibraryEncodedBecauseOfNonAsciiTextIsDecoded() throws Exception {
        String json = "{\"campaign_id\": \"Été 2026\", \"metadata\": {\"ville\": \"Besançon\"}}";
        // What Jakarta Mail's own header encoding produces for a non-ASCII value: folded B-encoded words.
        String raw = MimeUtility.fold(12, MimeUtility.encodeText(json, "UTF-8", "B"));
        assertThat(raw).startsWith("=?UTF-8?B?");

        XMsysApiHeader header = XMsysApiHeader.parse(raw);

        assertThat(header.campaignId()).contains("Été 2026");
        assertThat(header.metadataJson()).contains("{\"ville\":\"Besançon\"}");
    }

    @Test
    void rawUtf8InTheHeaderIsReadAsUtf8() throws Exception {
        byte[] message = ("X-MSYS-API: {\"campaign_id\": \"Été 2026\"}\r\nSubject: hi\r\n\r\nbody\r\n")
                .getBytes(StandardCharsets.UTF_8);
        String raw = TestMail.mime(message).getHeader("X-MSYS-API")[0];

        assertThat(XMsysApiHeader.parse(raw).campaignId()).contains("Été 2026");
    }

    @Test
    void absentFieldsStayEmptySoThatTheInitParametersDecide() throws Exception {
        XMsysApiHeader header = XMsysApiHeader.parse("{\"campaign_id\": \"welcome\"}");

        assertThat(header.openTracking()).isEmpty();
        assertThat(header.clickTracking()).isEmpty();
        assertThat(header.tags()).isEmpty();
        assertThat(header.metadataJson()).isEmpty();
    }

    @Test
    void onlyTheFirstTenTagsAreKept() throws Exception {
        XMsysApiHeader header = XMsysApiHeader.parse("{\"tags\": [\"t1\",\"t2\",\"t3\",\"t4\",\"t5\",\"t6\",\"t7\","
                + "\"t8\",\"t9\",\"t10\",\"t11\",\"t12\"]}");

        assertThat(header.tags()).contains(List.of("t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9", "t10"));
    }

    @Test
    void eachBadFieldIsRejectedWithMomentumsWording() {
        assertReason("{\"metadata\": \"user=42\"}", "550 5.6.0 X-MSYS-API 'metadata' must be of type 'json object'");
        assertReason("{\"campaign_id\": 2026}", "550 5.6.0 X-MSYS-API 'campaign_id' must be of type 'string'");
        assertReason("{\"campaign_id\": \"" + "x".repeat(65) + "\"}",
                "550 5.6.0 X-MSYS-API 'campaign_id' must be at most 64 bytes");
        assertReason("{\"tags\": \"promo\"}", "550 5.6.0 X-MSYS-API 'tags' must be of type 'json array'");
        assertReason("{\"tags\": [\"promo\", 7]}", "550 5.6.0 X-MSYS-API 'tags' must be an array of type 'string'");
        assertReason("{\"options\": {\"open_tracking\": \"yes\"}}",
                "550 5.6.0 X-MSYS-API 'options.open_tracking' must be of type 'boolean'");
        assertReason("{\"options\": true}", "550 5.6.0 X-MSYS-API 'options' must be of type 'json object'");
        assertReason("[\"promo\"]", "550 5.6.0 X-MSYS-API must be a JSON object");
    }

    @Test
    void aCampaignIdOfSixtyFourBytesIsAcceptedEvenInMultiByteCharacters() throws Exception {
        String campaign = "é".repeat(32); // 64 bytes in UTF-8

        assertThat(XMsysApiHeader.parse("{\"campaign_id\": \"" + campaign + "\"}").campaignId())
                .isEqualTo(Optional.of(campaign));
    }

    @Test
    void brokenJsonIsRejected() {
        assertThatThrownBy(() -> XMsysApiHeader.parse("{\"campaign_id\": \"spring\""))
                .isInstanceOf(InvalidHeaderException.class)
                .satisfies(e -> assertThat(((InvalidHeaderException) e).smtpReply())
                        .startsWith("550 5.6.0 X-MSYS-API is not valid JSON"));
    }

    private static void assertReason(String header, String reply) {
        assertThatThrownBy(() -> XMsysApiHeader.parse(header))
                .isInstanceOf(InvalidHeaderException.class)
                .satisfies(e -> assertThat(((InvalidHeaderException) e).smtpReply()).isEqualTo(reply));
    }
}
