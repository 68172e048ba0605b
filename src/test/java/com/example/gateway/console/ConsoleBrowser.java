package com.example.gateway.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's chromium, headless, driven through Debian's chromedriver named explicitly (Selenium Manager would try to
 * download a driver). One browser serves a whole test class; each test starts signed out.
 */
final class ConsoleBrowser implements AutoCloseable {

    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final ChromeDriver driver;
    private final String baseUrl;

    ConsoleBrowser(String baseUrl) {
        this.baseUrl = baseUrl;
        ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        ChromeOptions options = new ChromeOptions()
            .setBinary(CHROMIUM.toFile())
            // Runs as root in CI: Chromium's sandbox needs an unprivileged user.
            .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--window-size=1280,1000", "--lang=en-US");
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    static boolean available() {
        return Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
    }

    WebDriver driver() {
        return driver;
    }

    void open(String path) {
        driver.get(baseUrl + path);
    }

    WebElement find(String css) {
        return driver.findElement(By.cssSelector(css));
    }

    boolean has(String css) {
        return !driver.findElements(By.cssSelector(css)).isEmpty();
    }

    String text(String css) {
        return find(css).getText();
    }

    String body() {
        return find("body").getText();
    }

    <T> T waitFor(Function<WebDriver, T> condition) {
        // An htmx swap can replace an element between finding it and reading it: look again.
        return new WebDriverWait(driver, Duration.ofSeconds(15)).ignoring(StaleElementReferenceException.class)
            .until(condition);
    }

    void signIn(String token) {
        signOut();
        open("/console/sign-in");
        find("#token").sendKeys(token);
        find("form.card button[type=submit]").click();
        waitFor(d -> !d.getCurrentUrl().contains("/sign-in"));
    }

    void signOut() {
        driver.manage().deleteAllCookies();
    }

    /** The session cookie, to fetch a download as this browser would. */
    String sessionCookie() {
        return "SESSION=" + driver.manage().getCookieNamed("SESSION").getValue();
    }

    void width(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Saves what the browser shows, the whole page's height, into {@code docs/}. */
    /**
     * Saves the whole page as {@code name}: into {@code docs/} (the README's pictures) when run with
     * {@code -Dconsole.screenshots.write=true}, else into {@code target/console-screenshots/}, so a test run leaves the
     * checkout as it was.
     */
    void screenshot(String name) {
        Path folder = Boolean.getBoolean("console.screenshots.write") ? Path.of("docs")
                : Path.of("target", "console-screenshots");
        Dimension before = driver.manage().window().getSize();
        Number height = (Number) driver.executeScript("return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(before.getWidth(), Math.min(3000, height.intValue() + 120)));
        try {
            Files.createDirectories(folder);
            Files.write(folder.resolve(name), driver.getScreenshotAs(OutputType.BYTES));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        finally {
            driver.manage().window().setSize(before);
        }
    }

    Object script(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    @Override
    public void close() {
        driver.quit();
    }
}
