package dev.smtpapi.tracker.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.smtpapi.tracker.api.CampaignMetrics.Counts;
import dev.smtpapi.tracker.api.CampaignMetrics.Split;
import dev.smtpapi.tracker.api.EventPager;
import dev.smtpapi.tracker.event.TrackingEvent;
import dev.smtpapi.tracker.report.CampaignActivity.Bucket;
import dev.smtpapi.tracker.report.CampaignActivity.LinkClicks;
import dev.smtpapi.tracker.report.CampaignActivity.ReasonCount;
import dev.smtpapi.tracker.report.ReportData.CampaignPage;
import dev.smtpapi.tracker.report.ReportData.CampaignRow;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.DocumentType;
import org.jsoup.nodes.Element;

/**
 * The report's HTML, built as a Jsoup document: every piece of text goes in through {@link Element#text} or
 * {@link Element#attr}, which escape it, so campaign ids, link names and URLs from senders can never become
 * markup. The pages carry no inline script or style (the Content-Security-Policy forbids them): the chart's
 * numbers travel in a {@code data-series} attribute that {@code report.js} reads.
 */
final class ReportPages {
    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR_LABEL = DateTimeFormatter.ofPattern("MMM d HH:mm", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_LABEL = DateTimeFormatter.ofPattern("EEE MMM d", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter INPUT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Map<String, String> PRESET_NAMES = Map.of("1h", "Last hour", "24h", "Last 24 hours",
            "7d", "Last 7 days", "31d", "Last 31 days");

    private final ObjectMapper json;

    ReportPages(ObjectMapper json) {
        this.json = json;
    }

    /** Where the page is and who is looking: the context path, and the session's CSRF token if signed in. */
    record Context(String contextPath, Optional<String> csrfToken) {
        String report(String path) {
            return contextPath + "/report/" + path;
        }
    }

    String signIn(Context context, String csrfToken, Optional<String> problem, boolean apiKeyConfigured) {
        Document page = shell(context, "Sign in");
        Element main = page.body().appendElement("main").addClass("sign-in");
        main.appendElement("h1").text("Campaign report");
        if (!apiKeyConfigured) {
            main.appendElement("p").addClass("problem")
                    .text("The report is off: the tracker has no api_key configured, so nobody can sign in.");
        }
        problem.ifPresent(text -> main.appendElement("p").addClass("problem").attr("role", "alert").text(text));
        Element form = main.appendElement("form").attr("method", "post").attr("action", context.report("sign-in"))
                .id("sign-in");
        csrf(form, csrfToken);
        form.appendElement("label").attr("for", "api-key").text("Events API key");
        form.appendElement("input").attr("type", "password").attr("name", "api_key").id("api-key")
                .attr("autocomplete", "off").attr("required", true).attr("autofocus", true);
        form.appendElement("button").attr("type", "submit").text("Sign in");
        main.appendElement("p").addClass("hint").text("The key of the events API (api_key of the tracker's "
                + "configuration). It is sent once, in this form; the browser then holds only a session cookie.");
        return html(page);
    }

    String campaigns(Context context, ReportWindow window, List<CampaignRow> rows) {
        Document page = shell(context, "Campaigns");
        Element main = page.body().appendElement("main");
        main.appendElement("h1").text("Campaigns");
        windowForm(main, context, window, Optional.empty());
        Element table = main.appendElement("table").id("campaigns").addClass("report")
                .attr("data-from", window.from().toString()).attr("data-to", window.to().toString());
        Element head = table.appendElement("thead").appendElement("tr");
        for (String title : List.of("Campaign", "Copies sent", "Opens", "Unique opens", "Clicks", "Unique clicks",
                "Open rate", "Click rate")) {
            head.appendElement("th").attr("scope", "col").text(title);
        }
        Element body = table.appendElement("tbody");
        if (rows.isEmpty()) {
            body.appendElement("tr").appendElement("td").attr("colspan", "8").addClass("empty")
                    .text("No campaign sent or engaged with in this window.");
        }
        for (CampaignRow row : rows) {
            Element tr = body.appendElement("tr").attr("data-campaign", row.campaignId());
            tr.appendElement("th").attr("scope", "row").appendElement("a")
                    .attr("href", campaignLink(context, row.campaignId(), window, Optional.empty()))
                    .text(row.campaignId());
            Counts counts = row.counts();
            copies(tr.appendElement("td"), row.copiesSent());
            split(tr.appendElement("td"), "opens", counts.opens());
            split(tr.appendElement("td"), "unique_opens", counts.uniqueOpens());
            split(tr.appendElement("td"), "clicks", counts.clicks());
            split(tr.appendElement("td"), "unique_clicks", counts.uniqueClicks());
            rate(tr.appendElement("td"), "open_rate", counts.uniqueOpens(), row.copiesSent());
            rate(tr.appendElement("td"), "click_rate", counts.uniqueClicks(), row.copiesSent());
        }
        main.appendElement("p").addClass("hint").text("Counts split human / machine (privacy proxies and link "
                + "scanners). Rates are unique opens or clicks per copy sent. Times are UTC.");
        return html(page);
    }

    String campaign(Context context, CampaignPage detail) {
        ReportWindow window = detail.window();
        Document page = shell(context, "Campaign " + detail.campaignId());
        Element main = page.body().appendElement("main");
        main.appendElement("p").addClass("back").appendElement("a").attr("href", windowLink(context, window))
                .text("← All campaigns");
        Element title = main.appendElement("h1").text("Campaign ");
        title.appendElement("span").addClass("campaign-id").id("campaign-id").text(detail.campaignId());
        windowForm(main, context, window, Optional.of(detail.campaignId()));

        Counts counts = detail.counts();
        Element summary = main.appendElement("dl").addClass("summary").id("summary")
                .attr("data-from", window.from().toString()).attr("data-to", window.to().toString());
        copies(summaryItem(summary, "Copies sent"), detail.copiesSent());
        split(summaryItem(summary, "Opens"), "opens", counts.opens());
        split(summaryItem(summary, "Unique opens"), "unique_opens", counts.uniqueOpens());
        split(summaryItem(summary, "Clicks"), "clicks", counts.clicks());
        split(summaryItem(summary, "Unique clicks"), "unique_clicks", counts.uniqueClicks());
        rate(summaryItem(summary, "Open rate"), "open_rate", counts.uniqueOpens(), detail.copiesSent());
        rate(summaryItem(summary, "Click rate"), "click_rate", counts.uniqueClicks(), detail.copiesSent());

        CampaignActivity activity = detail.activity();
        boolean hourly = activity.bucket() == ChronoUnit.HOURS;
        main.appendElement("h2").text(hourly ? "Opens and clicks per hour" : "Opens and clicks per day");
        main.appendElement("div").addClass("chart").appendElement("canvas").id("activity-chart")
                .attr("role", "img").attr("aria-label", hourly ? "Opens and clicks per hour" : "Opens and clicks per day")
                .attr("data-series", series(activity.series(), hourly));

        main.appendElement("h2").text("Links by clicks");
        Element links = table(main, "links", "Link", "Clicks", "Human", "Machine");
        if (activity.links().isEmpty()) {
            emptyRow(links, 4, "No clicks in this window.");
        }
        for (LinkClicks link : activity.links()) {
            Element tr = links.appendElement("tr").attr("data-link", link.label());
            Element name = tr.appendElement("td").addClass("link");
            name.appendElement("span").addClass("link-label").text(link.label());
            link.url().ifPresent(url -> name.appendText(" ").appendElement("span").addClass("link-url").text(url));
            tr.appendElement("td").addClass("num").text(number(link.clicks().total()));
            tr.appendElement("td").addClass("num").text(number(link.clicks().human()));
            tr.appendElement("td").addClass("num").text(number(link.clicks().machine()));
        }

        main.appendElement("h2").text("Machine events by reason");
        Element reasons = table(main, "machine-reasons", "Reason", "Opens", "Clicks");
        if (activity.machineReasons().isEmpty()) {
            emptyRow(reasons, 3, "No machine opens or clicks in this window.");
        }
        for (ReasonCount reason : activity.machineReasons()) {
            Element tr = reasons.appendElement("tr").attr("data-reason", reason.reason());
            tr.appendElement("td").text(reason.reason());
            tr.appendElement("td").addClass("num").text(number(reason.opens()));
            tr.appendElement("td").addClass("num").text(number(reason.clicks()));
        }

        EventPager.Page events = detail.events();
        main.appendElement("h2").text("Recent events");
        Element list = table(main, "events", "Time (UTC)", "Event", "Recipient", "Link", "Who");
        list.parent().attr("data-total-count", Long.toString(events.totalCount()));
        if (events.results().isEmpty()) {
            emptyRow(list, 5, "No events in this window.");
        }
        for (TrackingEvent event : events.results()) {
            Element tr = list.appendElement("tr").attr("data-event-id", event.eventId().toString());
            tr.appendElement("td").addClass("time").text(SECOND.format(event.timestamp()));
            tr.appendElement("td").text(event.type().code());
            tr.appendElement("td").text(event.rcptTo());
            tr.appendElement("td").addClass("link")
                    .text(event.targetLinkName().filter(name -> !name.isEmpty()).or(event::targetLinkUrl).orElse(""));
            tr.appendElement("td").text(event.machineReason().map(reason -> "machine: " + reason.code())
                    .orElse("human"));
        }
        Element pager = main.appendElement("p").addClass("pager");
        pager.appendElement("span").text(number(events.totalCount()) + " events in all");
        if (detail.afterFirstPage()) {
            pager.appendElement("a").attr("href", campaignLink(context, detail.campaignId(), window, Optional.empty()))
                    .text("Newest");
        }
        events.next().ifPresent(cursor -> pager.appendElement("a").attr("rel", "next").id("older-events")
                .attr("href", campaignLink(context, detail.campaignId(), window, Optional.of(cursor.encode())))
                .text("Older events →"));
        return html(page);
    }

    /** A page that says what went wrong, in our words only. */
    String problem(Context context, String title, String message) {
        Document page = shell(context, title);
        Element main = page.body().appendElement("main");
        main.appendElement("h1").text(title);
        main.appendElement("p").addClass("problem").attr("role", "alert").text(message);
        main.appendElement("p").appendElement("a").attr("href", context.report("")).text("Back to the campaigns");
        return html(page);
    }

    private Document shell(Context context, String title) {
        Document page = Document.createShell("");
        page.prependChild(new DocumentType("html", "", ""));
        page.outputSettings().charset(StandardCharsets.UTF_8);
        page.selectFirst("html").attr("lang", "en");
        Element head = page.head();
        head.appendElement("meta").attr("charset", "utf-8");
        head.appendElement("meta").attr("name", "viewport").attr("content", "width=device-width, initial-scale=1");
        head.appendElement("meta").attr("name", "robots").attr("content", "noindex");
        head.appendElement("title").text(title + " · smtpapi report");
        head.appendElement("link").attr("rel", "stylesheet").attr("href", context.report("assets/" + ReportAssets.STYLE));
        head.appendElement("script").attr("src", context.report("assets/" + ReportAssets.CHART)).attr("defer", true);
        head.appendElement("script").attr("src", context.report("assets/" + ReportAssets.SCRIPT)).attr("defer", true);
        Element header = page.body().appendElement("header");
        header.appendElement("a").addClass("brand").attr("href", context.report("")).text("smtpapi · campaign report");
        context.csrfToken().ifPresent(token -> {
            Element signOut = header.appendElement("form").attr("method", "post")
                    .attr("action", context.report("sign-out")).id("sign-out");
            csrf(signOut, token);
            signOut.appendElement("button").attr("type", "submit").text("Sign out");
        });
        return page;
    }

    private static void csrf(Element form, String token) {
        form.appendElement("input").attr("type", "hidden").attr("name", ReportServlet.CSRF_FIELD).attr("value", token);
    }

    /** The window chooser: a GET form (it reads only, so it needs no CSRF token and changes nothing). */
    private static void windowForm(Element parent, Context context, ReportWindow window, Optional<String> campaign) {
        Element form = parent.appendElement("form").attr("method", "get").addClass("window").id("window")
                .attr("action", context.report(campaign.isPresent() ? "campaign" : ""));
        campaign.ifPresent(id -> form.appendElement("input").attr("type", "hidden").attr("name", "id").attr("value", id));
        Element select = form.appendElement("label").text("Window ").appendElement("select").attr("name", "range");
        for (String preset : ReportWindow.PRESET_ORDER) {
            Element option = select.appendElement("option").attr("value", preset).text(PRESET_NAMES.get(preset));
            if (window.preset().filter(preset::equals).isPresent()) {
                option.attr("selected", true);
            }
        }
        form.appendElement("label").text("or from (UTC) ").appendElement("input").attr("type", "datetime-local")
                .attr("name", "from").attr("value", window.preset().isPresent() ? "" : INPUT.format(window.from()));
        form.appendElement("label").text("to ").appendElement("input").attr("type", "datetime-local")
                .attr("name", "to").attr("value", window.preset().isPresent() ? "" : INPUT.format(window.to()));
        form.appendElement("button").attr("type", "submit").text("Show");
        form.appendElement("span").addClass("window-shown")
                .text(MINUTE.format(window.from()) + " to " + MINUTE.format(window.to()));
    }

    private static Element summaryItem(Element list, String term) {
        Element item = list.appendElement("div");
        item.appendElement("dt").text(term);
        return item.appendElement("dd");
    }

    private static void copies(Element cell, long copies) {
        cell.addClass("num").attr("data-metric", "copies_sent").attr("data-total", Long.toString(copies))
                .appendElement("span").addClass("total").text(number(copies));
    }

    private static void split(Element cell, String metric, Split split) {
        cell.addClass("num").attr("data-metric", metric).attr("data-human", Long.toString(split.human()))
                .attr("data-machine", Long.toString(split.machine())).attr("data-total", Long.toString(split.total()));
        cell.appendElement("span").addClass("total").text(number(split.total()));
        cell.appendText(" ");
        cell.appendElement("span").addClass("split")
                .text(number(split.human()) + " human · " + number(split.machine()) + " machine");
    }

    private static void rate(Element cell, String metric, Split unique, long copies) {
        cell.addClass("num").attr("data-metric", metric);
        if (copies == 0) {
            cell.attr("title", "no copies sent counted in this window").appendElement("span").addClass("total").text("–");
            return;
        }
        cell.appendElement("span").addClass("total").text(percent(unique.total(), copies));
        cell.appendText(" ");
        cell.appendElement("span").addClass("split").text(percent(unique.human(), copies) + " human");
    }

    private static Element table(Element parent, String id, String... columns) {
        Element table = parent.appendElement("table").id(id).addClass("report");
        Element head = table.appendElement("thead").appendElement("tr");
        for (String column : columns) {
            head.appendElement("th").attr("scope", "col").text(column);
        }
        return table.appendElement("tbody");
    }

    private static void emptyRow(Element body, int columns, String text) {
        body.appendElement("tr").appendElement("td").attr("colspan", Integer.toString(columns)).addClass("empty")
                .text(text);
    }

    private String series(List<Bucket> buckets, boolean hourly) {
        ObjectNode data = json.createObjectNode();
        data.put("unit", hourly ? "hour" : "day");
        ArrayNode labels = data.putArray("labels");
        ArrayNode opens = data.putArray("opens");
        ArrayNode clicks = data.putArray("clicks");
        for (Bucket bucket : buckets) {
            labels.add((hourly ? HOUR_LABEL : DAY_LABEL).format(bucket.start()));
            opens.add(bucket.opens());
            clicks.add(bucket.clicks());
        }
        return data.toString();
    }

    private static String windowLink(Context context, ReportWindow window) {
        return context.report("") + query(window, Map.of());
    }

    private static String campaignLink(Context context, String campaign, ReportWindow window, Optional<String> cursor) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("id", campaign);
        cursor.ifPresent(value -> extra.put("cursor", value));
        // A page after the first keeps the window it was cut from: "the last 24 hours" would move under it.
        return context.report("campaign") + query(window, extra, cursor.isPresent());
    }

    private static String query(ReportWindow window, Map<String, String> extra) {
        return query(window, extra, false);
    }

    private static String query(ReportWindow window, Map<String, String> extra, boolean fixed) {
        Map<String, String> parameters = new LinkedHashMap<>(extra);
        if (window.preset().isPresent() && !fixed) {
            parameters.put("range", window.preset().get());
        } else {
            parameters.put("from", window.from().toString());
            parameters.put("to", window.to().toString());
        }
        StringJoiner query = new StringJoiner("&", "?", "");
        parameters.forEach((name, value) -> query.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return query.toString();
    }

    private static String number(long value) {
        return String.format(Locale.ENGLISH, "%,d", value);
    }

    private static String percent(long part, long whole) {
        return String.format(Locale.ENGLISH, "%.1f %%", 100.0 * part / whole);
    }

    private static String html(Document page) {
        return page.outerHtml();
    }
}
