package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page end to end in headless Chromium (Debian's {@code chromium} and {@code chromium-driver}): two users
 * sign in, chat in a room, see each other typing, exchange a private message with a delivered tick, and find the
 * history after a reload. Saves a screenshot to {@code chat/target/screenshots/chat.png}.
 */
class BrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dataDir;

  @TempDir
  Path profiles;

  private ChatApp app;
  private final List<WebDriver> browsers = new ArrayList<>();

  @BeforeEach
  void start() {
    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir).build());
  }

  @AfterEach
  void stop() {
    browsers.forEach(WebDriver::quit);
    if (app != null) {
      app.close();
    }
  }

  private WebDriver browser(String name) throws Exception {
    String chromium = System.getProperty("chat.chromium", "/usr/bin/chromium");
    String chromedriver = System.getProperty("chat.chromedriver", "/usr/bin/chromedriver");
    assertThat(Path.of(chromium)).as("Chromium is needed: apt-get install chromium chromium-driver").exists();
    assertThat(Path.of(chromedriver)).as("ChromeDriver is needed: apt-get install chromium-driver").exists();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1200,760",
        "--user-data-dir=" + Files.createDirectories(profiles.resolve(name)));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver))
        .usingAnyFreePort()
        .build();
    WebDriver driver = new ChromeDriver(service, options);
    browsers.add(driver);
    return driver;
  }

  @Test
  void twoUsersChatTypeMessagePrivatelyAndKeepHistoryAcrossAReload() throws Exception {
    String url = "http://127.0.0.1:" + app.port() + "/";
    for (int i = 0; i < 55; i++) {
      app.service().postMessage("general", "carol", "earlier " + i).join();
    }
    WebDriver alice = browser("alice");
    WebDriver bob = browser("bob");
    signIn(alice, url, "alice");
    signIn(bob, url, "bob");

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
    waitFor(bob, d -> d.findElements(By.cssSelector("#message-list .message .text")).stream()
        .anyMatch(e -> e.getText().equals("Hello Bob <b>not bold</b>")));
    assertThat(bob.findElements(By.cssSelector("#message-list .text b"))).isEmpty();
    waitFor(bob, d -> d.findElement(By.id("typing")).getText().isEmpty());

    bob.findElement(By.id("message-input")).sendKeys("Hi Alice!");
    bob.findElement(By.id("send")).click();
    waitFor(alice, d -> textsOf(d).contains("Hi Alice!"));

    // a mention becomes a toast on bob's page (from the Server-Sent Events stream or Socket.IO)
    alice.findElement(By.id("message-input")).sendKeys("@bob have a look");
    alice.findElement(By.id("send")).click();
    waitFor(bob, d -> d.findElements(By.cssSelector("#toasts .toast")).stream()
        .anyMatch(t -> t.getText().contains("alice mentioned you in #general")));

    // a private message from bob to alice, with the delivered tick, then read by alice
    bob.findElement(By.cssSelector("#online li[data-user='alice']")).click();
    waitFor(bob, d -> d.findElement(By.id("channel-title")).getText().equals("@alice"));
    bob.findElement(By.id("message-input")).sendKeys("just between us");
    bob.findElement(By.id("send")).click();
    WebElement tick = waitFor(bob, d -> {
      List<WebElement> ticks = d.findElements(By.cssSelector("#message-list .message.mine .tick"));
      return ticks.isEmpty() ? null : ticks.get(ticks.size() - 1);
    });
    waitFor(bob, d -> tick.getAttribute("data-status").equals("delivered"));
    assertThat(tick.getText()).isEqualTo("✓✓");
    waitFor(alice, d -> d.findElements(By.cssSelector("#dms li[data-dm='bob'] .badge")).size() == 1);
    alice.findElement(By.cssSelector("#dms li[data-dm='bob']")).click();
    waitFor(alice, d -> textsOf(d).contains("just between us"));
    waitFor(bob, d -> tick.getAttribute("data-status").equals("read"));
    Path shots = Path.of("target", "screenshots");
    Files.createDirectories(shots);
    screenshot(bob, shots.resolve("chat-private.png"));

    // alice goes back to the room and reloads the page: still signed in, the history is there
    alice.findElement(By.cssSelector("#rooms li[data-room='general']")).click();
    waitFor(alice, d -> textsOf(d).contains("Hi Alice!"));
    alice.navigate().refresh();
    waitFor(alice, d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
    waitFor(alice, d -> textsOf(d).containsAll(List.of("Hello Bob <b>not bold</b>", "Hi Alice!")));

    bob.findElement(By.cssSelector("#rooms li[data-room='general']")).click();
    waitFor(bob, d -> textsOf(d).contains("Hi Alice!"));
    // after the reload alice's conversation list still holds bob
    waitFor(alice, d -> d.findElements(By.cssSelector("#dms li[data-dm='bob']")).size() == 1);
    screenshot(bob, shots.resolve("chat.png"));
    screenshot(alice, shots.resolve("chat-alice.png"));
    assertThat(Files.size(shots.resolve("chat.png"))).isGreaterThan(10_000);
  }

  @Test
  void thePageShowsReconnectingWhileTheServerRestartsAndLosesNoMessage() throws Exception {
    int port = app.port();
    String url = "http://127.0.0.1:" + port + "/";
    WebDriver alice = browser("alice");
    signIn(alice, url, "alice");
    alice.findElement(By.id("message-input")).sendKeys("before the restart");
    alice.findElement(By.id("send")).click();
    waitFor(alice, d -> textsOf(d).contains("before the restart"));

    app.close();
    app = null;
    waitFor(alice, d -> "reconnecting".equals(d.findElement(By.id("status")).getAttribute("data-state")));
    assertThat(alice.findElement(By.id("status")).getText()).isEqualTo("reconnecting…");
    screenshot(alice, Files.createDirectories(Path.of("target", "screenshots")).resolve("chat-reconnecting.png"));

    app = ChatApp.start(ChatConfig.builder().host("127.0.0.1").port(port).dataDir(dataDir).build());
    waitFor(alice, d -> "connected".equals(d.findElement(By.id("status")).getAttribute("data-state")));
    waitFor(alice, d -> textsOf(d).contains("before the restart"));
    alice.findElement(By.id("message-input")).sendKeys("after the restart");
    alice.findElement(By.id("send")).click();
    waitFor(alice, d -> textsOf(d).containsAll(List.of("before the restart", "after the restart")));
    assertThat(app.service().history("general", null, 10).join()).extracting(ChatMessage::text)
        .containsExactly("before the restart", "after the restart");
  }

  private static void signIn(WebDriver d, String url, String user) {
    d.get(url);
    waitFor(d, ExpectedConditions.visibilityOfElementLocated(By.id("login-username")));
    d.findElement(By.id("login-username")).sendKeys(user);
    d.findElement(By.id("login-password")).sendKeys("secret-" + user);
    d.findElement(By.id("login-submit")).click();
    waitFor(d, x -> "connected".equals(x.findElement(By.id("status")).getAttribute("data-state")));
    waitFor(d, x -> x.findElement(By.id("channel-title")).getText().equals("#general"));
  }

  private static void screenshot(WebDriver d, Path to) throws Exception {
    File png = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE);
    Files.copy(png.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
  }

  private static List<String> textsOf(WebDriver d) {
    return d.findElements(By.cssSelector("#message-list .message .text")).stream().map(WebElement::getText).toList();
  }

  private static <T> T waitFor(WebDriver d, java.util.function.Function<? super WebDriver, T> condition) {
    return new WebDriverWait(d, WAIT).until(condition);
  }
}
