package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.switchboard.testkit.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page end to end in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}): two users
 * chat, type, message privately and keep their history across a reload; sends refused by the flood limit stay on the
 * page with their error; a server restart in the middle of a conversation leaves the page in its rooms and delivers
 * what was typed during the outage once; notifications received while offline wait in the inbox; the layout works at
 * 390 px and on a desktop. Screenshots go to {@code chat/target/screenshots/}.
 */
class BrowserTest {

  @TempDir
  Path dataDir;

  @TempDir
  Path profiles;

  private ChatApp app;
  private Browsers browsers;

  @BeforeEach
  void start() throws Exception {
    app = startApp(0);
    browsers = new Browsers(profiles);
  }

  private ChatApp startApp(int port) {
    return ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(port).dataDir(dataDir).build());
  }

  @AfterEach
  void stop() {
    browsers.close();
    if (app != null) {
      app.close();
    }
  }

  private WebDriver browser(String name) throws Exception {
    return browsers.open(name);
  }

  private String url() {
    return "http://127.0.0.1:" + app.port() + "/";
  }

  @Test
  void twoUsersChatTypeMessagePrivatelyAndKeepHistoryAcrossAReload() throws Exception {
    for (int i = 0; i < 55; i++) {
      app.service().postMessage("general", "carol", "earlier " + i).join();
    }
    WebDriver alice = browser("alice");
    WebDriver bob = browser("bob");
    signIn(alice, "alice");
    signIn(bob, "bob");

    // the room opens on its last 50 messages; "Load older" scrolls back to the rest
    waitFor(alice, d -> textsOf(d).size() == 50 && textsOf(d).get(0).equals("earlier 5"));
    alice.findElement(By.id("load-older")).click();
    waitFor(alice, d -> textsOf(d).size() == 55 && textsOf(d).get(0).equals("earlier 0"));
    waitFor(alice, d -> d.findElements(By.cssSelector("#online li[data-user='bob']")).size() == 1);
    waitFor(bob, d -> d.findElements(By.cssSelector("#online li[data-user='alice']")).size() == 1);

    // typing, then a room message with markup that must show as text
    WebElement input = alice.findElement(By.id("message-input"));
    input.sendKeys("Hello Bob <b>not bold</b>");
    waitFor(bob, d -> d.findElement(By.id("typing")).getText().equals("alice is typing…"));
    alice.findElement(By.id("send")).click();
    waitFor(bob, d -> textsOf(d).contains("Hello Bob <b>not bold</b>"));
    assertThat(bob.findElements(By.cssSelector("#message-list .text b"))).isEmpty();
    waitFor(bob, d -> d.findElement(By.id("typing")).getText().isEmpty());
    // acknowledged: no "sending…" left, and shown once although it came back both as ack and as broadcast
    waitFor(alice, d -> d.findElements(By.cssSelector("#message-list .pending")).isEmpty());
    assertThat(textsOf(alice).stream().filter("Hello Bob <b>not bold</b>"::equals)).hasSize(1);

    bob.findElement(By.id("message-input")).sendKeys("Hi Alice!");
    bob.findElement(By.id("send")).click();
    waitFor(alice, d -> textsOf(d).contains("Hi Alice!"));

    // a mention becomes a toast and an unread notification on bob's page
    alice.findElement(By.id("message-input")).sendKeys("@bob have a look");
    alice.findElement(By.id("send")).click();
    waitFor(bob, d -> d.findElements(By.cssSelector("#toasts .toast")).stream()
        .anyMatch(t -> t.getText().contains("alice mentioned you in #general")));
    waitFor(bob, d -> d.findElement(By.id("bell-count")).getText().equals("1"));

    // a private message from bob to alice, with the delivered tick, then read by alice
    bob.findElement(By.cssSelector("#online li[data-user='alice']")).click();
    waitFor(bob, d -> d.findElement(By.id("channel-title")).getText().equals("@alice"));
    assertThat(bob.getCurrentUrl()).endsWith("#dm/alice");
    bob.findElement(By.id("message-input")).sendKeys("just between us");
    bob.findElement(By.id("send")).click();
    waitFor(bob, d -> statusOfLastTick(d).equals("delivered"));
    assertThat(bob.findElement(By.cssSelector("#message-list .message.mine .tick")).getText()).isEqualTo("✓✓");
    waitFor(alice, d -> d.findElements(By.cssSelector("#dms li[data-dm='bob'] .badge")).size() == 1);
    alice.findElement(By.cssSelector("#dms li[data-dm='bob']")).click();
    waitFor(alice, d -> textsOf(d).contains("just between us"));
    waitFor(bob, d -> statusOfLastTick(d).equals("read"));
    screenshot(bob, "chat-private.png");

    // alice goes back to the room and reloads the page: still signed in, the history is there
    alice.findElement(By.cssSelector("#rooms li[data-room='general']")).click();
    waitFor(alice, d -> textsOf(d).contains("Hi Alice!"));
    alice.navigate().refresh();
    waitFor(alice, d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
    waitFor(alice, d -> textsOf(d).containsAll(List.of("Hello Bob <b>not bold</b>", "Hi Alice!")));

    // bob reloads in the conversation: the URL brings him back to it
    bob.navigate().refresh();
    waitFor(bob, d -> d.findElement(By.id("channel-title")).getText().equals("@alice"));
    waitFor(bob, d -> textsOf(d).contains("just between us"));
    bob.findElement(By.cssSelector("#rooms li[data-room='general']")).click();
    waitFor(bob, d -> textsOf(d).contains("Hi Alice!"));
    // after the reload alice's conversation list still holds bob
    waitFor(alice, d -> d.findElements(By.cssSelector("#dms li[data-dm='bob']")).size() == 1);
    screenshot(bob, "chat.png");
    screenshot(alice, "chat-alice.png");
    assertThat(Files.size(Browsers.SHOTS.resolve("chat.png"))).isGreaterThan(10_000);
  }

  @Test
  void sendsRefusedByTheFloodLimitStayWithTheirErrorAndCanBeRetried() throws Exception {
    WebDriver alice = browser("alice");
    signIn(alice, "alice");

    // 15 messages at once: the server takes 10 a second, the other 5 stay on the page with the server's reason
    js(alice, "const input = document.getElementById('message-input');"
        + "const form = document.getElementById('message-form');"
        + "for (let i = 0; i < 15; i++) { input.value = 'burst ' + i; form.requestSubmit(); }");
    waitFor(alice, d -> d.findElements(By.cssSelector("#message-list .message.pending")).isEmpty());
    List<WebElement> failed = alice.findElements(By.cssSelector("#message-list .message.failed"));
    assertThat(failed).hasSize(5);
    for (WebElement f : failed) {
      assertThat(f.findElement(By.className("text")).getText()).startsWith("burst ");
      assertThat(f.findElement(By.className("send-failure")).getText()).isEqualTo("Too many messages: at most 10 a second");
    }
    assertThat(alice.findElement(By.id("message-input")).getAttribute("value")).isEmpty();
    screenshot(alice, "chat-flood-refused.png");

    // the refused ones survive a reload of the page (the outbox is kept in the tab's session storage)
    alice.navigate().refresh();
    waitFor(alice, d -> d.findElements(By.cssSelector("#message-list .message.failed")).size() == 5);

    // retried (again while the limit still refuses them, if the poll is quick): every message is stored once
    waitFor(alice, d -> {
      d.findElements(By.cssSelector("#message-list .message.failed .retry")).forEach(WebElement::click);
      return d.findElements(By.cssSelector("#message-list .message.failed, #message-list .message.pending")).isEmpty();
    });
    List<String> stored = app.service().history("general", null, 100).join().stream().map(ChatMessage::text).toList();
    assertThat(stored).hasSize(15);
    for (int i = 0; i < 15; i++) {
      assertThat(stored).containsOnlyOnce("burst " + i);
      assertThat(textsOf(alice)).containsOnlyOnce("burst " + i);
    }

    // text over the limit: a counter and an error, the text stays in the box, nothing is sent or cut
    String longText = "x".repeat(2001);
    js(alice, "const input = document.getElementById('message-input'); input.value = arguments[0];"
        + "input.dispatchEvent(new Event('input'));", longText);
    assertThat(alice.findElement(By.id("counter")).getText()).isEqualTo("2001 / 2000");
    assertThat(alice.findElement(By.id("counter")).getAttribute("class")).contains("over");
    assertThat(alice.findElement(By.id("send-error")).getText()).isEqualTo("1 character over the limit of 2000");
    alice.findElement(By.id("send")).click();
    assertThat(alice.findElement(By.id("send-error")).getText()).startsWith("Too long to send: 2001 characters");
    assertThat(alice.findElement(By.id("message-input")).getAttribute("value")).hasSize(2001);
    assertThat(alice.findElements(By.cssSelector("#message-list .message.pending"))).isEmpty();
    screenshot(alice, "chat-too-long.png");
    alice.findElement(By.id("message-input")).sendKeys("\b");
    waitFor(alice, d -> d.findElement(By.id("send-error")).getText().isEmpty());
    assertThat(alice.findElement(By.id("counter")).getText()).isEqualTo("2000 / 2000");

    // a bad room name gets an inline error in the room browser, and joins nothing
    alice.findElement(By.id("browse-link")).click();
    waitFor(alice, d -> d.findElement(By.id("channel-title")).getText().equals("Browse rooms"));
    alice.findElement(By.id("join-room")).sendKeys("Bad Room!");
    alice.findElement(By.id("join-submit")).click();
    assertThat(alice.findElement(By.id("join-error")).getText()).isEqualTo("Only a–z, 0–9 and - are allowed in room names");
    assertThat(alice.findElements(By.cssSelector("#rooms li"))).hasSize(1);
    // the directory lists the rooms alice is not in; joining one puts it in the sidebar and the URL
    alice.findElement(By.cssSelector("#room-directory li[data-room='random'] button")).click();
    waitFor(alice, d -> d.findElement(By.id("channel-title")).getText().equals("#random"));
    assertThat(alice.getCurrentUrl()).endsWith("#room/random");
    assertThat(alice.findElements(By.cssSelector("#rooms li[data-room='random']"))).hasSize(1);
    // and leaving it takes it out again
    alice.findElement(By.id("leave")).click();
    waitFor(alice, d -> d.findElement(By.id("channel-title")).getText().equals("#general"));
    assertThat(alice.findElements(By.cssSelector("#rooms li[data-room='random']"))).isEmpty();
    // the text typed in #general before wandering off is still in its box
    assertThat(alice.findElement(By.id("message-input")).getAttribute("value")).hasSize(2000);
  }

  @Test
  void afterAServerRestartThePageIsStillInItsRoomsAndDeliversWhatWasTypedDuringTheOutageOnce() throws Exception {
    int port = app.port();
    WebDriver alice = browser("alice");
    WebDriver bob = browser("bob");
    signIn(alice, "alice");
    signIn(bob, "bob");
    // alice is in #general and #random (joined through the URL)
    alice.navigate().to(url() + "#room/random");
    waitFor(alice, d -> d.findElement(By.id("channel-title")).getText().equals("#random"));
    alice.findElement(By.cssSelector("#rooms li[data-room='general']")).click();
    waitFor(alice, d -> d.findElement(By.id("channel-title")).getText().equals("#general"));
    send(alice, "before the restart");
    waitFor(bob, d -> textsOf(d).contains("before the restart"));

    app.close();
    app = null;
    waitFor(alice, d -> "reconnecting".equals(d.findElement(By.id("status")).getAttribute("data-state")));
    assertThat(alice.findElement(By.id("status")).getText()).isEqualTo("reconnecting…");
    // more than a page of messages arrives while the server is down (written straight into its database)
    List<String> missed = new ArrayList<>();
    try (Database db = Database.open(Database.embeddedUrl(dataDir), Optional.empty())) {
      db.inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO messages (room, sender, body, created_at) VALUES ('general', 'carol', ?, ?)")) {
          for (int i = 0; i < 60; i++) {
            missed.add("missed " + i);
            ps.setString(1, "missed " + i);
            ps.setLong(2, System.currentTimeMillis());
            ps.addBatch();
          }
          return ps.executeBatch();
        }
      });
    }
    send(alice, "typed during the outage");
    WebElement pending = waitFor(alice, d -> d.findElement(By.cssSelector("#message-list .message.pending")));
    assertThat(pending.findElement(By.className("text")).getText()).isEqualTo("typed during the outage");
    assertThat(pending.findElement(By.className("sending")).getText()).isEqualTo("sending…");
    screenshot(alice, "chat-reconnecting.png");

    app = startApp(port);
    waitFor(alice, d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
    waitFor(alice, d -> d.findElements(By.cssSelector("#message-list .message.pending")).isEmpty());
    waitFor(bob, d -> textsOf(d).contains("typed during the outage"));
    // still in #general on the server: bob's message reaches alice without her doing anything
    waitFor(bob, d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
    send(bob, "welcome back");
    waitFor(alice, d -> textsOf(d).contains("welcome back"));
    // both pages caught up with what they missed (paging back past the join's 50), each message once, in order
    List<String> expected = new ArrayList<>();
    expected.add("before the restart");
    expected.addAll(missed);
    expected.add("typed during the outage");
    expected.add("welcome back");
    assertThat(app.service().history("general", null, 100).join()).extracting(ChatMessage::text)
        .containsExactlyElementsOf(expected);
    assertThat(textsOf(alice)).containsExactlyElementsOf(expected);
    waitFor(bob, d -> textsOf(d).equals(expected));
    // and still in #random: a message there is accepted, not refused with "Join #random first"
    alice.findElement(By.cssSelector("#rooms li[data-room='random']")).click();
    waitFor(alice, d -> d.findElement(By.id("channel-title")).getText().equals("#random"));
    send(alice, "random after the restart");
    waitFor(alice, d -> d.findElements(By.cssSelector("#message-list .message.pending, #message-list .message.failed"))
        .isEmpty() && textsOf(d).contains("random after the restart"));
    assertThat(app.service().history("random", null, 10).join()).extracting(ChatMessage::text)
        .containsExactly("random after the restart");
  }

  @Test
  void notificationsReceivedWhileOfflineWaitInTheInbox() throws Exception {
    // bob registers, then is away
    WebDriver first = browser("bob-first");
    signIn(first, "bob");
    browsers.quit(first);

    WebDriver alice = browser("alice");
    signIn(alice, "alice");
    alice.navigate().to(url() + "#room/random");
    waitFor(alice, d -> d.findElement(By.id("channel-title")).getText().equals("#random"));
    send(alice, "@bob the report is in #random");
    alice.navigate().to(url() + "#dm/bob");
    waitFor(alice, d -> d.findElement(By.id("channel-title")).getText().equals("@bob"));
    send(alice, "call me when you are back");
    waitFor(alice, d -> statusOfLastTick(d).equals("sent"));

    WebDriver bob = browser("bob");
    signIn(bob, "bob");
    waitFor(bob, d -> d.findElement(By.id("bell-count")).getText().equals("2"));
    assertThat(bob.getTitle()).startsWith("(");
    bob.findElement(By.id("bell")).click();
    List<WebElement> notes = waitFor(bob, d -> {
      List<WebElement> list = d.findElements(By.cssSelector("#notifications .notification.unread"));
      return list.size() == 2 ? list : null;
    });
    assertThat(notes.get(0).findElement(By.className("title")).getText()).isEqualTo("Private message from alice");
    assertThat(notes.get(1).findElement(By.className("title")).getText()).isEqualTo("alice mentioned you in #random");
    screenshot(bob, "chat-inbox.png");

    // the mention opens #random (joining it) at the message
    notes.get(1).click();
    waitFor(bob, d -> d.findElement(By.id("channel-title")).getText().equals("#random"));
    waitFor(bob, d -> textsOf(d).contains("@bob the report is in #random"));
    assertThat(bob.getCurrentUrl()).endsWith("#room/random");
    assertThat(bob.findElements(By.cssSelector("#rooms li[data-room='random']"))).hasSize(1);
    waitFor(bob, d -> d.findElement(By.id("bell-count")).getText().equals("1"));

    // the private message opens the conversation
    bob.findElement(By.id("bell")).click();
    bob.findElement(By.cssSelector("#notifications .notification.unread")).click();
    waitFor(bob, d -> d.findElement(By.id("channel-title")).getText().equals("@alice"));
    waitFor(bob, d -> textsOf(d).contains("call me when you are back"));
    waitFor(bob, d -> !d.findElement(By.id("bell-count")).isDisplayed());
    waitFor(alice, d -> statusOfLastTick(d).equals("read"));

    // read stays read after a reload
    bob.navigate().refresh();
    waitFor(bob, d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
    bob.findElement(By.id("bell")).click();
    waitFor(bob, d -> d.findElements(By.cssSelector("#notifications .notification")).size() == 2);
    assertThat(bob.findElements(By.cssSelector("#notifications .notification.unread"))).isEmpty();
    assertThat(bob.findElement(By.id("bell-count")).isDisplayed()).isFalse();
  }

  @Test
  void theLayoutWorksAt390PixelsAndOnADesktop() throws Exception {
    long lastWeek = System.currentTimeMillis() - Duration.ofDays(8).toMillis();
    app.database().inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO messages (room, sender, body, created_at) VALUES ('general', 'carol', 'from last week', ?)")) {
        ps.setLong(1, lastWeek);
        return ps.executeUpdate();
      }
    });
    for (int i = 0; i < 12; i++) {
      app.service().postMessage("general", "carol", "a message from carol, number " + i
          + (i % 3 == 0 ? ", long enough to wrap on a phone screen without making the page scroll sideways" : "")).join();
    }
    WebDriver bob = browser("bob");
    signIn(bob, "bob");
    WebDriver phone = browser("alice-phone");
    phone.manage().window().setSize(new Dimension(390, 844));
    signIn(phone, "alice");
    waitFor(phone, d -> textsOf(d).size() == 13);
    // a message from an earlier day shows its date, today's only their time
    List<WebElement> times = phone.findElements(By.cssSelector("#message-list .message .time"));
    String old = times.get(0).getText();
    String today = times.get(times.size() - 1).getText();
    int day = Instant.ofEpochMilli(lastWeek).atZone(ZoneId.systemDefault()).getDayOfMonth();
    assertThat(old).contains(String.valueOf(day)).endsWith(today.substring(today.length() - 2));
    assertThat(old.length()).isGreaterThan(today.length() + 3);
    long width = ((Number) js(phone, "return window.innerWidth")).longValue();
    assertThat(width).isEqualTo(390);

    // the sidebar is a drawer behind the menu button; the messages and the composer take the width
    WebElement menu = phone.findElement(By.id("menu-toggle"));
    assertThat(menu.isDisplayed()).isTrue();
    assertThat(rect(phone, "sidebar").get("right")).isLessThanOrEqualTo(0);
    assertThat(rect(phone, "messages").get("width")).isGreaterThanOrEqualTo(360);
    assertThat(rect(phone, "message-input").get("width")).isGreaterThanOrEqualTo(270);
    assertThat(((Number) js(phone, "return document.documentElement.scrollWidth")).longValue()).isLessThanOrEqualTo(390);
    send(phone, "hello from a phone");
    waitFor(bob, d -> textsOf(d).contains("hello from a phone"));
    send(bob, "@alice hello phone");
    waitFor(phone, d -> d.findElement(By.id("bell-count")).getText().equals("1"));
    waitFor(phone, d -> d.findElements(By.cssSelector("#toasts .toast")).isEmpty());
    screenshot(phone, "chat-390.png");

    menu.click();
    waitFor(phone, d -> rect(d, "sidebar").get("left") >= 0 && rect(d, "sidebar").get("right") > 200);
    assertThat(phone.findElement(By.cssSelector("#rooms li[data-room='general']")).isDisplayed()).isTrue();
    screenshot(phone, "chat-390-menu.png");
    phone.findElement(By.cssSelector("#online li[data-user='bob']")).click();
    waitFor(phone, d -> d.findElement(By.id("channel-title")).getText().equals("@bob"));
    waitFor(phone, d -> rect(d, "sidebar").get("right") <= 0);

    phone.findElement(By.id("bell")).click();
    WebElement inbox = phone.findElement(By.id("inbox"));
    waitFor(phone, d -> inbox.isDisplayed());
    assertThat(rect(phone, "inbox").get("left")).isGreaterThanOrEqualTo(0);
    assertThat(rect(phone, "inbox").get("right")).isLessThanOrEqualTo(390);
    screenshot(phone, "chat-390-inbox.png");

    // the desktop: sidebar beside the messages, no menu button
    WebDriver desk = browser("alice-desk");
    desk.manage().window().setSize(new Dimension(1280, 800));
    signIn(desk, "alice");
    waitFor(desk, d -> textsOf(d).size() == 15);
    assertThat(desk.findElement(By.id("menu-toggle")).isDisplayed()).isFalse();
    assertThat(rect(desk, "sidebar").get("left")).isEqualTo(0);
    assertThat(rect(desk, "messages").get("left")).isGreaterThanOrEqualTo(rect(desk, "sidebar").get("right"));
    screenshot(desk, "chat-desktop.png");
  }

  @Test
  void thePageWorksOverHttpsAndPlainHttpRedirectsThere() throws Exception {
    app.close();
    TestCertificates certs = TestCertificates.create(dataDir.resolve("certs"));
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir)
        .tlsCert(certs.chainFile()).tlsKey(certs.keyFile()).httpRedirectPort(0).build());
    String https = "https://127.0.0.1:" + app.port() + "/";
    assertThat(app.url()).isEqualTo(https);
    // trusts the server's key only, without a system certificate store
    WebDriver d = browsers.open("tls", "--ignore-certificate-errors-spki-list="
        + TestCertificates.spkiSha256(certs.server()));
    d.get("http://127.0.0.1:" + app.http().redirectPort() + "/");
    waitFor(d, x -> x.getCurrentUrl().equals(https));
    Browsers.signIn(d, https, "alice");
    send(d, "over TLS");
    waitFor(d, x -> textsOf(x).contains("over TLS"));
    waitFor(d, x -> x.findElements(By.cssSelector("#message-list .pending")).isEmpty());
    assertThat(js(d, "return location.protocol + ' ' + window.isSecureContext")).isEqualTo("https: true");
    assertThat(app.service().history("general", null, 10).join()).extracting(ChatMessage::text).contains("over TLS");
  }

  private void signIn(WebDriver d, String user) {
    Browsers.signIn(d, url(), user);
  }

  private static void send(WebDriver d, String text) {
    Browsers.send(d, text);
  }

  private static String statusOfLastTick(WebDriver d) {
    List<WebElement> ticks = d.findElements(By.cssSelector("#message-list .message.mine .tick"));
    return ticks.isEmpty() ? "" : ticks.get(ticks.size() - 1).getAttribute("data-status");
  }

  private static Object js(WebDriver d, String script, Object... args) {
    return Browsers.js(d, script, args);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Long> rect(WebDriver d, String id) {
    Map<String, Object> r = (Map<String, Object>) js(d, "const r = document.getElementById(arguments[0])"
        + ".getBoundingClientRect(); return {left: Math.round(r.left), right: Math.round(r.right),"
        + " width: Math.round(r.width)};", id);
    return Map.of("left", ((Number) r.get("left")).longValue(), "right", ((Number) r.get("right")).longValue(),
        "width", ((Number) r.get("width")).longValue());
  }

  private static void screenshot(WebDriver d, String name) throws Exception {
    Browsers.screenshot(d, name);
  }

  private static List<String> textsOf(WebDriver d) {
    return Browsers.texts(d);
  }

  private static <T> T waitFor(WebDriver d, java.util.function.Function<? super WebDriver, T> condition) {
    return Browsers.waitFor(d, condition);
  }
}
