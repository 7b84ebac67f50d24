package dev.smtpapi.tracker.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The webhook definitions a SparkPost user sends, read, checked, masked and stored. */
class WebhookJsonTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final WebhookJson json = new WebhookJson(MAPPER);

    private static JsonNode body(String text) throws Exception {
        return MAPPER.readTree(text.replace('\'', '"'));
    }

    private static final String CRM = "{'name': 'CRM engagement', 'target': 'https://crm.example.com/hooks/sparkpost?src=mta',"
            + " 'events': ['click', 'open', 'link_unsubscribe'], 'auth_type': 'basic',"
            + " 'auth_credentials': {'username': 'mta', 'password': 's3cr3t-pa55'},"
            + " 'custom_headers': {'X-Customer-Id': '42', 'X-Api-Key': 'key-abcdef'}}";

    @Test
    void aBasicAuthWebhookIsReadWithItsEventsAndHeaders() throws Exception {
        Webhook webhook = json.create(UUID.randomUUID(), body(CRM));
        assertThat(webhook.name()).isEqualTo("CRM engagement");
        assertThat(webhook.target().toString()).isEqualTo("https://crm.example.com/hooks/sparkpost?src=mta");
        assertThat(webhook.events()).containsExactly("click", "open", "link_unsubscribe");
        assertThat(webhook.auth()).isEqualTo(new WebhookAuth.Basic("mta", "s3cr3t-pa55"));
        assertThat(webhook.customHeaders()).containsEntry("X-Customer-Id", "42");
        assertThat(webhook.active()).isTrue();
        assertThat(webhook.toString()).doesNotContain("s3cr3t").doesNotContain("src=mta");
    }

    @Test
    void answersMaskThePasswordTheTokenSecretAndSecretLookingHeaders() throws Exception {
        Webhook basic = json.create(UUID.randomUUID(), body(CRM));
        String answer = json.toApi(basic).toString();
        assertThat(answer).doesNotContain("s3cr3t-pa55").doesNotContain("key-abcdef").contains("\"username\":\"mta\"")
                .contains("\"X-Customer-Id\":\"42\"");

        Webhook oauth = json.create(UUID.randomUUID(), body("{'name': 'n', 'target': 'https://h.example/x',"
                + " 'events': ['open'], 'auth_type': 'oauth2', 'auth_request_details': {'url': 'https://auth.example/token',"
                + " 'body': {'client_id': 'client-1', 'client_secret': 'very-secret'}}}"));
        assertThat(json.toApi(oauth).toString()).doesNotContain("very-secret").contains("client-1");
        assertThat(json.fromStored(oauth.id(), json.toStored(oauth))).isEqualTo(oauth);
    }

    @Test
    void aPutChangesOnlyTheFieldsItSendsAndAMaskedSecretKeepsTheStoredOne() throws Exception {
        Webhook created = json.create(UUID.randomUUID(), body(CRM));
        ObjectNode echoed = json.toApi(created);
        echoed.remove("id");
        echoed.put("name", "CRM (renamed)");
        Webhook changed = json.update(created, echoed);
        assertThat(changed.name()).isEqualTo("CRM (renamed)");
        assertThat(changed.auth()).isEqualTo(created.auth());
        assertThat(changed.customHeaders()).isEqualTo(created.customHeaders());

        Webhook paused = json.update(created, body("{'active': false}"));
        assertThat(paused.active()).isFalse();
        assertThat(paused.target()).isEqualTo(created.target());
    }

    @Test
    void badInputIsRefusedNamingTheField() {
        assertRefused("{'target': 'https://h.example/', 'events': ['click']}", "name");
        assertRefused("{'name': 'n', 'target': 'ftp://h.example/', 'events': ['click']}", "target");
        assertRefused("{'name': 'n', 'target': 'javascript:alert(1)', 'events': ['click']}", "target");
        assertRefused("{'name': 'n', 'target': '/relative', 'events': ['click']}", "target");
        assertRefused("{'name': 'n', 'target': 'https://user:pw@h.example/', 'events': ['click']}", "target");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': ['click', 'clicks']}", "events");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': []}", "events");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': ['click'], 'auth_type': 'basic'}",
                "auth_credentials");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': ['click'], 'auth_type': 'basic',"
                + " 'auth_credentials': {'username': 'u'}}", "auth_credentials.password");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': ['click'], 'auth_type': 'oauth2'}",
                "auth_request_details");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': ['click'], 'auth_type': 'oauth2',"
                + " 'auth_request_details': {'url': 'mailto:x@y', 'body': {'client_id': 'c'}}}", "auth_request_details.url");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': ['click'], 'auth_type': 'digest'}",
                "auth_type");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': ['click'],"
                + " 'custom_headers': {'Authorization': 'x'}}", "custom_headers.Authorization");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': ['click'],"
                + " 'custom_headers': {'X-A': 'one\\r\\nX-Injected: two'}}", "custom_headers.X-A");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': ['click'], 'active': 'yes'}", "active");
        assertRefused("{'name': 'n', 'target': 'https://h.example/', 'events': ['click'], 'colour': 'red'}", "colour");
        assertRefused("[1, 2]", "body");
    }

    private void assertRefused(String definition, String field) {
        assertThatThrownBy(() -> json.create(UUID.randomUUID(), body(definition)))
                .as(definition).isInstanceOfSatisfying(InvalidWebhookException.class,
                        e -> assertThat(e.param()).isEqualTo(field));
    }
}
