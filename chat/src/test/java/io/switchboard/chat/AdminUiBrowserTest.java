package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testkit.TestPostgres;
import io.switchboard.testkit.TestRedis;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The official Socket.IO Admin UI (the built files of {@code @socket.io/admin-ui} 0.5.1, served by the chat at
 * {@code /admin/}) in headless Chromium against a two-node chat cluster on Redis: it signs in with the configured
 * user and bcrypt hash, shows both servers and the sockets of both nodes, and its disconnect button on a socket of the
 * other node disconnects that client. Screenshots go to {@code chat/target/screenshots/}; with
 * {@code -Dadmin.keepScreenshots=true} they are also copied to {@code docs/images/}.
 */
class AdminUiBrowserTest {
  private static final Duration WAIT = Browsers.WAIT;
  private static final Path SHOTS = Browsers.SHOTS;
  private static final String PASSWORD = "admin-password-1";

  @TempDir
  Path dirA;

  @TempDir
  Path dirB;

  @TempDir
  Path profile;

  private TestPostgres.Schema schema;
  private ChatApp a;
  private ChatApp b;
  private ChatClients onA;
  private ChatClients onB;
  private Browsers browsers;
  private WebDriver browser;

  @AfterEach
  void stop() throws Exception {
    if (browsers != null) {
      browsers.close();
    }
    for (AutoCloseable c : new AutoCloseable[] {onA, onB, a, b, schema}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @Test
  void theUiSignsInSeesBothNodesAndDisconnectsASocketOfTheOtherNode() throws Exception {
    schema = TestPostgres.freshSchema();
    String hash = new PasswordHasher(4).hash(PASSWORD);
    ChatConfig.Builder common = ChatConfig.builder().host("127.0.0.1").port(0)
        .databaseUrl(schema.jdbcUrl())
        .redisUrl(TestRedis.uri()).redisKey("chat-admin-" + UUID.randomUUID())
        .jwtSecret("admin-test-secret-admin-test-secret-0")
        .adminUser("ops").adminPasswordHash(hash);
    a = ChatApp.start(common.dataDir(dirA).build());
    b = ChatApp.start(common.dataDir(dirB).build());
    String aliceToken = a.service().login("alice", "secret1").join();
    String bobToken = b.service().login("bob", "secret1").join();
    onA = ChatClients.start("http://127.0.0.1:" + a.port());
    onA.connect("alice@A", aliceToken);
    onB = ChatClients.start("http://127.0.0.1:" + b.port());
    onB.connect("bob@B", bobToken);
    String alice = single(a.adminUi().namespace().server().sockets().sockets().keySet());
    String bob = single(b.adminUi().namespace().server().sockets().sockets().keySet());

    browsers = new Browsers(profile);
    browser = browsers.open("admin");
    browser.get("http://127.0.0.1:" + a.port() + "/admin/");
    // the connection modal: server URL, user name, password (then the advanced options, left as they are)
    List<WebElement> fields = waitFor(d -> {
      List<WebElement> f = d.findElements(By.cssSelector(".v-dialog form input"));
      return f.size() >= 3 && f.get(0).isDisplayed() ? f : null;
    });
    fields.get(0).sendKeys("http://127.0.0.1:" + a.port());
    fields.get(1).sendKeys("ops");
    fields.get(2).sendKeys("wrong password");
    browser.findElement(By.cssSelector(".v-dialog form button[type=submit]")).click();
    waitFor(d -> d.findElement(By.cssSelector(".v-dialog form")).getText().toLowerCase(java.util.Locale.ROOT).contains("invalid credentials"));
    fields.get(2).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);   // clear() bypasses Vue's v-model
    fields.get(2).sendKeys(PASSWORD);
    browser.findElement(By.cssSelector(".v-dialog form button[type=submit]")).click();
    waitFor(d -> d.findElements(By.cssSelector(".v-dialog form")).stream().noneMatch(WebElement::isDisplayed));

    // both servers report their stats through the cluster
    browser.get("http://127.0.0.1:" + a.port() + "/admin/#/servers/");
    String idA = a.adminUi().serverId();
    String idB = b.adminUi().serverId();
    waitFor(d -> text(d).contains(idA) && text(d).contains(idB));
    Path servers = shot("admin-ui-servers");

    // the sockets of both nodes, in the main namespace
    browser.get("http://127.0.0.1:" + a.port() + "/admin/#/sockets/");
    waitFor(d -> text(d).contains(alice) && text(d).contains(bob));
    browser.get("http://127.0.0.1:" + a.port() + "/admin/#/");
    waitFor(d -> text(d).contains("/admin") && text(d).contains("HEALTHY\n2"));
    Path dashboard = shot("admin-ui-dashboard");
    browser.get("http://127.0.0.1:" + a.port() + "/admin/#/sockets/");
    waitFor(d -> text(d).contains(alice) && text(d).contains(bob));
    Path sockets = shot("admin-ui-sockets");
    if (Boolean.getBoolean("admin.keepScreenshots")) {
      Path images = Path.of("..", "docs", "images");
      Files.copy(servers, images.resolve("admin-ui-servers.png"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(dashboard, images.resolve("admin-ui-dashboard.png"), StandardCopyOption.REPLACE_EXISTING);
      Files.copy(sockets, images.resolve("admin-ui-sockets.png"), StandardCopyOption.REPLACE_EXISTING);
    }

    // bob is on node B: the UI (connected to node A) disconnects him through the cluster
    WebElement row = waitFor(d -> d.findElements(By.cssSelector("tbody tr")).stream()
        .filter(r -> r.getText().contains(bob)).findFirst().orElse(null));
    row.findElement(By.cssSelector("td:last-child button")).click();
    assertThat(onB.awaitDisconnect("bob@B")).isEqualTo("io server disconnect");
    // the row's click also opens the socket's page (the button does not stop it): it shows him disconnected
    browser.get("http://127.0.0.1:" + a.port() + "/admin/#/sockets/");
    waitFor(d -> text(d).contains(alice) && !text(d).contains(bob));
  }

  private static String single(Set<String> ids) {
    assertThat(ids).hasSize(1);
    return ids.iterator().next();
  }

  private static String text(WebDriver d) {
    return d.findElement(By.tagName("body")).getText();
  }

  private Path shot(String name) throws Exception {
    Files.createDirectories(SHOTS);
    Path file = SHOTS.resolve(name + ".png");
    Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), file,
        StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  private <T> T waitFor(java.util.function.Function<? super WebDriver, T> condition) throws Exception {
    try {
      return new WebDriverWait(browser, WAIT).ignoring(StaleElementReferenceException.class).until(condition);
    } catch (org.openqa.selenium.TimeoutException e) {
      shot("admin-ui-failure");
      Files.writeString(SHOTS.resolve("admin-ui-failure.html"), browser.getPageSource());
      throw e;
    }
  }
}
