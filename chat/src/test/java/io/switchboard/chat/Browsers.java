package io.switchboard.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium pages of the chat for tests (Debian's {@code chromium} and {@code chromium-driver}), and what the
 * tests read off them.
 *
 * <pre>{@code
 * try (Browsers browsers = new Browsers(tempDir)) {
 *   WebDriver alice = browsers.open("alice");
 *   Browsers.signIn(alice, "http://127.0.0.1:3000/", "alice");
 *   Browsers.waitFor(alice, d -> Browsers.texts(d).contains("hello"));
 * }
 * }</pre>
 */
final class Browsers implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final Path SHOTS = Path.of("target", "screenshots");

  private final Path profiles;
  private final List<WebDriver> open = new ArrayList<>();

  Browsers(Path profiles) {
    this.profiles = profiles;
  }

  /** A new headless Chromium with its own profile, and these command-line arguments besides the usual ones. */
  WebDriver open(String name, String... extraArguments) throws Exception {
    String chromium = System.getProperty("chat.chromium", "/usr/bin/chromium");
    String chromedriver = System.getProperty("chat.chromedriver", "/usr/bin/chromedriver");
    assertThat(Path.of(chromium)).as("Chromium is needed: apt-get install chromium chromium-driver").exists();
    assertThat(Path.of(chromedriver)).as("ChromeDriver is needed: apt-get install chromium-driver").exists();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1200,760", "--hide-scrollbars",
        "--user-data-dir=" + Files.createDirectories(profiles.resolve(name)));
    options.addArguments(extraArguments);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver))
        .usingAnyFreePort()
        .build();
    WebDriver driver = new ChromeDriver(service, options);
    open.add(driver);
    return driver;
  }

  /** Quits one browser before the others. */
  void quit(WebDriver d) {
    d.quit();
    open.remove(d);
  }

  @Override
  public void close() {
    open.forEach(WebDriver::quit);
    open.clear();
  }

  /** Signs in (a new user is registered on the way) and waits until the page is connected in #general. */
  static void signIn(WebDriver d, String url, String user) {
    d.get(url);
    waitFor(d, ExpectedConditions.visibilityOfElementLocated(By.id("login-username")));
    d.findElement(By.id("login-username")).sendKeys(user);
    d.findElement(By.id("login-password")).sendKeys("secret-" + user);
    d.findElement(By.id("login-submit")).click();
    waitFor(d, x -> "connected".equals(state(x)));
    waitFor(d, x -> x.findElement(By.id("channel-title")).getText().equals("#general"));
  }

  /** The page's connection state: {@code connected}, {@code reconnecting}, {@code disconnected}. */
  static String state(WebDriver d) {
    return d.findElement(By.id("status")).getAttribute("data-state");
  }

  static void send(WebDriver d, String text) {
    d.findElement(By.id("message-input")).sendKeys(text);
    d.findElement(By.id("send")).click();
  }

  /** The texts of the messages shown, in order. */
  static List<String> texts(WebDriver d) {
    return d.findElements(By.cssSelector("#message-list .message .text")).stream().map(WebElement::getText).toList();
  }

  static Object js(WebDriver d, String script, Object... args) {
    return ((JavascriptExecutor) d).executeScript(script, args);
  }

  static void screenshot(WebDriver d, String name) throws Exception {
    Files.createDirectories(SHOTS);
    File png = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE);
    Files.copy(png.toPath(), SHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }

  static <T> T waitFor(WebDriver d, Function<? super WebDriver, T> condition) {
    return new WebDriverWait(d, WAIT).ignoring(StaleElementReferenceException.class).until(condition);
  }
}
