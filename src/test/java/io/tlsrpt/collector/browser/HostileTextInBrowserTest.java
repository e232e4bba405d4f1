package io.tlsrpt.collector.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.tlsrpt.collector.cli.ReportMail;
import io.tlsrpt.collector.support.Collector;
import io.tlsrpt.collector.support.Mailer;
import io.tlsrpt.collector.web.security.PasswordHash;
import io.tlsrpt.collector.websecurity.Web;
import jakarta.activation.DataHandler;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

import java.io.File;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 4 item 7, escaping proven in a real browser: a report with a script payload in every string field, the
 * Subject, From, TLS-Report-Submitter and DKIM-Signature (d=, s=) of its e-mail, and a quarantined part with a
 * hostile file name and Subject, rendered on every page in
 * headless Chromium (Debian's chromium and chromium-driver, driven by Selenium). On each page no script runs, no
 * element or attribute of the payloads exists, and the payloads are there as text.
 *
 * <p>Every page is loaded twice: once with the Content-Security-Policy switched off in the browser (DevTools
 * Page.setBypassCSP), which proves the escaping alone, and once with it on, which proves that the pages need
 * nothing the policy forbids (no violation reported, the stylesheet applied). The dashboard runs with a login,
 * sent by the browser on every request, and the "Process again" form is submitted for real: the same-origin POST
 * that Chromium makes passes, and the same form on another site's page is refused.
 */
class HostileTextInBrowserTest {
    /** Debian's paths; the properties exist to try the skip on a machine that has them. */
    static final Path CHROMIUM = Path.of(System.getProperty("tlsrpt.test.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("tlsrpt.test.chromedriver", "/usr/bin/chromedriver"));
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALL = "from=2016-01-01&to=2026-12-31";
    static final String LOGIN = Web.basic("admin", "browser-test-password");

    static final String SCRIPT = "<script>window.__xss=1</script>";
    static final String IMG = "<img src=x onerror=\"window.__xss=1\">";
    static final String SVG = "\"><svg onload=window.__xss=1>";
    static final String JS_URL = "javascript:window.__xss=1";
    static final String TITLE = "</title><script>window.__xss=1</script>";
    static final String ATTR = "' onmouseover='window.__xss=1' x='";
    static final String IFRAME = "<iframe srcdoc=\"<script>parent.__xss=1</script>\"></iframe>";

    /** What each field carries: a tag naming the field, then a payload. All lower case, as some are normalised. */
    static final Map<String, String> FIELDS = new LinkedHashMap<>();

    static {
        FIELDS.put("organization-name", "org " + SCRIPT);
        FIELDS.put("contact-info", JS_URL);
        FIELDS.put("report-id", "rid " + IMG);
        FIELDS.put("policy-type", "ptype " + SVG);
        FIELDS.put("policy-string", "pstr " + SCRIPT);
        FIELDS.put("policy-string-2", "mode: " + IMG);
        FIELDS.put("policy-domain", "pdom" + TITLE + ".example");
        FIELDS.put("mx-host", "mx " + SVG);
        FIELDS.put("result-type", "rtype " + IMG);
        FIELDS.put("sending-mta-ip", "smta " + SCRIPT);
        FIELDS.put("receiving-mx-hostname", "rmx " + IFRAME);
        FIELDS.put("receiving-mx-helo", "helo " + SVG);
        FIELDS.put("receiving-ip", "rip " + ATTR);
        FIELDS.put("additional-information", JS_URL + "//addinfo");
        FIELDS.put("failure-reason-code", "frc " + IMG);
        FIELDS.put("subject", "subj " + SCRIPT);
        FIELDS.put("from", "from <img src=x onerror=window.__xss=1>");
        FIELDS.put("submitter", "sub " + SVG);
        FIELDS.put("file-name", "file " + IMG + ".json.gz");
        FIELDS.put("dkim-domain", "dkim" + SCRIPT + ".example");
        FIELDS.put("dkim-selector", "sel" + IMG);
        FIELDS.put("quarantine-subject", "qsubj " + IMG);
        FIELDS.put("quarantine-file-name", "qfile " + SCRIPT + ".json.gz");
    }

    @TempDir
    static Path dataDir;
    @TempDir
    static Path profileDir;
    static Collector collector;
    static ChromeDriver driver;
    static HttpServer otherSite;
    static long reportId;
    static long quarantinedMessage;
    static final List<String> visited = new ArrayList<>();

    static final boolean PRESENT = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    static final String MISSING = "headless Chromium is not installed (" + CHROMIUM + " or " + CHROMEDRIVER
            + " missing): the browser escaping test is SKIPPED. Debian: apt-get install chromium chromium-driver";

    @BeforeAll
    static void start() throws Exception {
        if (!PRESENT) {
            System.err.println("HostileTextInBrowserTest: " + MISSING);
            return;
        }
        collector = Collector.start(dataDir, Map.of("tlsrpt.http.auth.users",
                List.of("admin:" + PasswordHash.create("browser-test-password", 10_000))));
        sendHostileMail();
        waitUntilProcessed();
        driver = startChromium();
        otherSite = startOtherSite();
    }

    @BeforeEach
    void needsChromium() {
        assumeTrue(PRESENT, MISSING);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (otherSite != null) {
            otherSite.stop(0);
        }
        if (collector != null) {
            collector.close();
        }
    }

    static void sendHostileMail() throws Exception {
        ObjectNode report = JSON.createObjectNode();
        report.put("organization-name", FIELDS.get("organization-name"));
        report.putObject("date-range").put("start-datetime", "2025-03-01T00:00:00Z")
                .put("end-datetime", "2025-03-01T23:59:59Z");
        report.put("contact-info", FIELDS.get("contact-info"));
        report.put("report-id", FIELDS.get("report-id"));
        ArrayNode policies = report.putArray("policies");
        for (String domain : List.of(FIELDS.get("policy-domain"), "hostile.example")) {
            ObjectNode p = policies.addObject();
            ObjectNode policy = p.putObject("policy");
            policy.put("policy-type", FIELDS.get("policy-type"));
            policy.putArray("policy-string").add(FIELDS.get("policy-string")).add(FIELDS.get("policy-string-2"));
            policy.put("policy-domain", domain);
            policy.putArray("mx-host").add(FIELDS.get("mx-host"));
            p.putObject("summary").put("total-successful-session-count", 3).put("total-failure-session-count", 2);
            ObjectNode f = p.putArray("failure-details").addObject();
            f.put("result-type", FIELDS.get("result-type"));
            f.put("sending-mta-ip", FIELDS.get("sending-mta-ip"));
            f.put("receiving-mx-hostname", FIELDS.get("receiving-mx-hostname"));
            f.put("receiving-mx-helo", FIELDS.get("receiving-mx-helo"));
            f.put("receiving-ip", FIELDS.get("receiving-ip"));
            f.put("failed-session-count", 2);
            f.put("additional-information", FIELDS.get("additional-information"));
            f.put("failure-reason-code", FIELDS.get("failure-reason-code"));
        }
        Mailer mailer = new Mailer(collector.smtpPort());
        MimeMessage m = ReportMail.build(mailer.session(), JSON.writeValueAsBytes(report), "hostile.example",
                "reporter.example", "r1", FIELDS.get("file-name"), "noreply@reporter.example", Mailer.RUA);
        m.setSubject(FIELDS.get("subject"), "UTF-8");
        m.setFrom(new InternetAddress("noreply@reporter.example", FIELDS.get("from"), "UTF-8"));
        m.setHeader("TLS-Report-Submitter", FIELDS.get("submitter"));
        m.saveChanges();
        // A DKIM signature whose tags strangers chose; it cannot verify (no key, a bogus b=), but its d= and s= are
        // shown on the report page.
        m.addHeader("DKIM-Signature", "v=1; a=rsa-sha256; c=relaxed/relaxed; d=" + FIELDS.get("dkim-domain")
                + "; s=" + FIELDS.get("dkim-selector")
                + "; h=from:subject; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;"
                + " b=AAAA");
        mailer.send(m, Mailer.RUA);

        // A report part that cannot be read (not gzip, not JSON): quarantined with its file name.
        MimeMessage q = new MimeMessage(mailer.session());
        q.setFrom(new InternetAddress("noreply@reporter.example"));
        q.setRecipients(MimeMessage.RecipientType.TO, Mailer.RUA);
        q.setSubject(FIELDS.get("quarantine-subject"), "UTF-8");
        q.setHeader("TLS-Report-Domain", "hostile.example");
        q.setHeader("TLS-Report-Submitter", "reporter.example");
        MimeMultipart mp = new MimeMultipart("report; report-type=\"tlsrpt\"");
        MimeBodyPart text = new MimeBodyPart();
        text.setText("A report that is broken on purpose.", "UTF-8");
        mp.addBodyPart(text);
        MimeBodyPart part = new MimeBodyPart();
        part.setDataHandler(new DataHandler(new ByteArrayDataSource(
                ("{\"broken\": " + SCRIPT).getBytes(StandardCharsets.UTF_8), "application/tlsrpt+gzip")));
        part.setFileName(FIELDS.get("quarantine-file-name"));
        mp.addBodyPart(part);
        q.setContent(mp);
        q.saveChanges();
        mailer.send(q, Mailer.RUA);
    }

    static JsonNode api(String path) throws Exception {
        Web.Answer a = Web.get(collector.baseUrl() + path, "Authorization", LOGIN);
        assertEquals(200, a.status(), path + ": " + a);
        return JSON.readTree(a.body());
    }

    static void waitUntilProcessed() throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            JsonNode stats = api("/api/stats");
            if (stats.get("messagesReceived").asLong() == 2 && stats.get("messagesPending").asLong() == 0) {
                break;
            }
            assertTrue(System.currentTimeMillis() < deadline, "not processed in time: " + stats);
            Thread.sleep(100);
        }
        JsonNode reports = api("/api/reports?" + ALL);
        assertEquals(1, reports.get("total").asLong(), "the hostile report is stored: " + reports);
        reportId = reports.get("items").get(0).get("id").asLong();
        assertEquals(FIELDS.get("organization-name"), reports.get("items").get(0).get("organization").asText());
        JsonNode quarantine = api("/api/quarantine");
        assertEquals(1, quarantine.get("total").asLong(), "the broken part is quarantined: " + quarantine);
        quarantinedMessage = quarantine.get("items").get(0).get("messageId").asLong();
    }

    static ChromeDriver startChromium() {
        // Selenium is pointed at Debian's binaries, so that Selenium Manager never looks for (or downloads) any.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(OutputStream.nullOutputStream())
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profileDir.toAbsolutePath());
        org.openqa.selenium.logging.LoggingPreferences logs = new org.openqa.selenium.logging.LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver d = new ChromeDriver(service, options);
        d.manage().timeouts().pageLoadTimeout(java.time.Duration.ofSeconds(30));
        // The login, sent with every request of this tab (Chromium would otherwise ask for it in a dialog).
        d.executeCdpCommand("Network.enable", Map.of());
        d.executeCdpCommand("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Authorization", LOGIN)));
        // Before any page script: record every CSP violation the page reports.
        d.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.__violations = [];"
                        + "document.addEventListener('securitypolicyviolation', e => window.__violations.push("
                        + "e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));"));
        return d;
    }

    /** Another site (another origin on loopback) with a copy of the "Process again" form, and a control page. */
    static HttpServer startOtherSite() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String form = "<!DOCTYPE html><title>other site</title><form method=post action=\"" + collector.baseUrl()
                + "/messages/" + quarantinedMessage + "/reprocess\">"
                + "<button id=go type=submit>win a prize</button></form>"
                + "<iframe id=frame src=\"" + collector.baseUrl() + "/\"></iframe>";
        String control = "<!DOCTYPE html><title>control</title><p>control</p>" + SCRIPT;
        server.createContext("/", exchange -> {
            byte[] body = (exchange.getRequestURI().getPath().equals("/control") ? control : form)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Loads a page and waits until it and its late events (an img's onerror) are done. */
    static void load(String url, boolean bypassCsp) throws InterruptedException {
        driver.executeCdpCommand("Page.setBypassCSP", Map.of("enabled", bypassCsp));
        driver.get(url);
        long deadline = System.currentTimeMillis() + 10_000;
        while (!"complete".equals(js("return document.readyState")) && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(250);
    }

    static String text() {
        return (String) js("return document.body.innerText");
    }

    /** Everything on the page that the payloads could have made, were they markup. */
    @SuppressWarnings("unchecked")
    static List<String> injected() {
        return (List<String>) js("""
                const bad = [];
                for (const el of document.querySelectorAll('*')) {
                  for (const a of el.attributes) {
                    if (/^on/i.test(a.name)) bad.push(el.tagName + ' has ' + a.name);
                    if (/^(href|src|action|formaction|xlink:href|srcdoc|data)$/i.test(a.name)
                        && /^\\s*(javascript|data|vbscript):/i.test(a.value)) {
                      bad.push(el.tagName + ' ' + a.name + '=' + a.value);
                    }
                  }
                  if (['SCRIPT', 'IFRAME', 'OBJECT', 'EMBED', 'IMG', 'BASE', 'META', 'LINK', 'STYLE']
                      .includes(el.tagName.toUpperCase())
                      && !(el.tagName === 'META' && el.parentElement === document.head)
                      && !(el.tagName === 'LINK' && el.getAttribute('href') === '/assets/style.css')) {
                    let path = ''; for (let x = el; x; x = x.parentNode) path = (x.nodeName || '?') + '>' + path;
                    bad.push('element ' + el.tagName + ' ' + path + ' ' + el.outerHTML.substring(0, 600));
                  }
                }
                for (const s of document.querySelectorAll('svg')) {
                  if (!s.classList.contains('chart')) bad.push('svg ' + s.outerHTML.substring(0, 80));
                }
                for (const a of document.querySelectorAll('a[href]')) {
                  if (new URL(a.href, location.href).origin !== location.origin) bad.push('link to ' + a.href);
                }
                for (const f of document.querySelectorAll('form')) {
                  if (new URL(f.action, location.href).origin !== location.origin) bad.push('form to ' + f.action);
                }
                return bad;""");
    }

    /** Console messages of the page at level SEVERE (CSP refusals among them), the favicon's 404 aside. */
    static List<String> consoleErrors() {
        List<String> errors = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue() && !e.getMessage().contains("favicon.ico")) {
                errors.add(e.getMessage());
            }
        }
        return errors;
    }

    /**
     * Loads the page both ways and checks it.
     *
     * @param expectedText field names whose payloads must be visible as text on the page
     */
    static void checkPage(String path, String... expectedText) throws Exception {
        String url = collector.baseUrl() + path;
        visited.add(path);
        // 1. Escaping alone: the browser ignores the Content-Security-Policy.
        load(url, true);
        consoleErrors();
        assertEquals("undefined", js("return typeof window.__xss"), path + ": a payload ran (escaping failed)");
        assertEquals(List.of(), injected(), path + ": payload markup made it into the page");
        String text = text();
        assertFalse(text.contains("Authentication required") || text.contains("Refused"), path + ": " + text);
        for (String field : expectedText) {
            assertTrue(text.contains(FIELDS.get(field)), path + ": the " + field + " payload is not shown as text: "
                    + FIELDS.get(field) + "\n--- page text ---\n" + text);
        }
        // 2. With the policy: nothing the pages need is refused, the stylesheet applies, no script.
        load(url, false);
        assertEquals(List.of(), js("return window.__violations"), path + ": CSP violations");
        assertEquals("undefined", js("return typeof window.__xss"), path);
        assertEquals("rgb(23, 32, 46)", js("return getComputedStyle(document.querySelector('header'))"
                + ".backgroundColor"), path + ": /assets/style.css did not apply");
        assertEquals(List.of(), consoleErrors(), path + ": console errors");
    }

    @Test
    void theDetectorCatchesAScriptThatRuns() throws Exception {
        // The control: the same checks on a page that does run the payload must see it.
        load("http://127.0.0.1:" + otherSite.getAddress().getPort() + "/control", false);
        assertEquals(1L, js("return window.__xss"));
        List<String> found = injected();
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("element SCRIPT"), found.toString());
    }

    @Test
    void noPayloadRunsOnAnyPageAndEachIsShownAsText() throws Exception {
        checkPage("/?" + ALL, "policy-domain");
        checkPage("/failures?" + ALL, "organization-name", "policy-domain", "policy-type", "result-type",
                "receiving-mx-hostname", "receiving-ip", "sending-mta-ip");
        checkPage("/reports?" + ALL, "organization-name", "report-id");
        checkPage("/reports/" + reportId, "organization-name", "contact-info", "report-id", "policy-type",
                "policy-string", "policy-string-2", "policy-domain", "mx-host", "result-type", "sending-mta-ip",
                "receiving-mx-hostname", "receiving-mx-helo", "receiving-ip", "additional-information",
                "failure-reason-code", "subject", "from", "submitter", "file-name", "dkim-domain", "dkim-selector");
        checkPage("/quarantine", "quarantine-subject", "quarantine-file-name");
        checkPage("/settings");

        // Every domain page, reached through the overview's own links (the hostile domain among them).
        load(collector.baseUrl() + "/?" + ALL, true);
        Set<String> domainLinks = new LinkedHashSet<>();
        for (WebElement a : driver.findElements(By.cssSelector("a[href^='/domains/']"))) {
            domainLinks.add(a.getAttribute("href").substring(collector.baseUrl().length()));
        }
        assertEquals(2, domainLinks.size(), "hostile.example and the hostile policy domain: " + domainLinks);
        for (String link : domainLinks) {
            assertEquals(2, link.split("\\?")[0].split("/").length - 1, "a domain link must escape '/' in the"
                    + " domain, or it leads nowhere (templates: @{/domains/{/d}(d=...)}, not {d}): " + link);
        }
        for (String link : domainLinks) {
            checkPage(link, "organization-name", "report-id", "policy-type", "policy-string", "policy-string-2",
                    "mx-host", "result-type", "receiving-mx-hostname");
        }
        String hostileDomain = domainLinks.stream().filter(l -> !l.contains("hostile.example")).findFirst()
                .orElseThrow();
        load(collector.baseUrl() + hostileDomain, true);
        assertTrue(((String) js("return document.title")).contains(FIELDS.get("policy-domain")),
                "the title shows the domain as text");

        // Payloads in the query reflected into pages (headings, form values).
        String q = URLEncoder.encode(SVG + ATTR, StandardCharsets.UTF_8);
        checkPage("/check?domain=" + URLEncoder.encode(FIELDS.get("policy-domain"), StandardCharsets.UTF_8),
                "policy-domain");
        checkPage("/failures?" + ALL + "&domain=" + q + "&result=" + q + "&reporter=" + q);
        assertEquals((SVG + ATTR).toLowerCase(), driver.findElement(By.name("domain")).getAttribute("value"));
        assertEquals(SVG + ATTR, driver.findElement(By.name("result")).getAttribute("value"));
        assertEquals(SVG + ATTR, driver.findElement(By.name("reporter")).getAttribute("value"));
        checkPage("/reports?" + ALL + "&domain=" + q);
        assertEquals((SVG + ATTR).toLowerCase(), driver.findElement(By.name("domain")).getAttribute("value"));
        assertEquals(11, visited.size(), "pages checked: " + visited);
    }

    @Test
    void theSameOriginFormWorksAndTheSameFormOnAnotherSiteIsRefused() throws Exception {
        load(collector.baseUrl() + "/quarantine", false);
        driver.findElement(By.cssSelector("form[action='/messages/" + quarantinedMessage + "/reprocess'] button"))
                .click();
        waitForPath("/quarantine");
        assertEquals("Quarantine", driver.findElement(By.tagName("h1")).getText(), "the POST passed and redirected");
        assertEquals(List.of(), js("return window.__violations"), "form-action 'self' allows the redirect");

        // The same form on a page of another origin (same host, another port: "same-site" for the browser).
        load("http://127.0.0.1:" + otherSite.getAddress().getPort() + "/", false);
        driver.findElement(By.id("go")).click();
        waitForPath("/messages/" + quarantinedMessage + "/reprocess");
        String refused = text();
        assertTrue(refused.startsWith("Refused: the browser says this request comes from another site"
                + " (Sec-Fetch-Site: same-site)"), refused);

        // And from another site altogether ("localhost" is another site than "127.0.0.1").
        load("http://localhost:" + otherSite.getAddress().getPort() + "/", false);
        driver.findElement(By.id("go")).click();
        waitForPath("/messages/" + quarantinedMessage + "/reprocess");
        assertTrue(text().startsWith("Refused: the browser says this request comes from another site"
                + " (Sec-Fetch-Site: cross-site)"), text());
    }

    @Test
    void anotherSiteCannotFrameTheDashboard() throws Exception {
        load("http://127.0.0.1:" + otherSite.getAddress().getPort() + "/", false);
        Thread.sleep(500);
        List<String> errors = consoleErrors();
        assertTrue(errors.stream().anyMatch(e -> e.contains("frame-ancestors")), "refused by frame-ancestors 'none':"
                + " " + errors);
    }

    static void waitForPath(String path) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (!path.equals(js("return location.pathname")) || !"complete".equals(js("return document.readyState"))) {
            assertTrue(System.currentTimeMillis() < deadline, "never reached " + path + ", at "
                    + driver.getCurrentUrl() + ": " + js("return document.documentElement.outerHTML"));
            Thread.sleep(20);
        }
    }
}
