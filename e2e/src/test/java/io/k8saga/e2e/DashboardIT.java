package io.k8saga.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.k8saga.e2e.support.Customer;
import io.k8saga.e2e.support.PublicApi;
import io.k8saga.e2e.support.SagaStack;
import io.k8saga.e2e.support.SystemTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard at / of the public API, in a real headless browser (Debian's chromium through chromium-driver): it
 * loads, connects with a pasted token, shows an order placed with its form go PENDING then APPROVED without a reload,
 * and shows the order's timeline on a click. The screenshot it leaves in target/dashboard.png is the README's.
 */
@SystemTest
class DashboardIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final PublicApi api;
    private final Duration settle;
    private WebDriver browser;

    DashboardIT(PublicApi api, SagaStack stack) {
        this.api = api;
        this.settle = stack.settle().plusSeconds(10);
    }

    @BeforeEach
    void openBrowser() {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if ("required".equals(System.getProperty("e2e.browser"))) {
            assertThat(installed).as("chromium and chromium-driver (apt-get install chromium chromium-driver)").isTrue();
        }
        assumeTrue(installed, "needs Debian's chromium and chromium-driver; .ci/run installs them");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                // No sandbox: CI runs as root in a container, where chromium's sandbox cannot start.
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,900");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void anOrderPlacedOnThePageGoesFromPendingToApprovedLiveAndShowsItsTimeline() throws IOException {
        Customer customer = api.createCustomer("1000.00");
        WebDriverWait wait = new WebDriverWait(browser, settle);
        browser.get(api.baseUrl() + "/");
        assertThat(browser.getTitle()).isEqualTo("Saga dashboard");

        browser.findElement(By.id("token")).sendKeys(api.adminToken());
        browser.findElement(By.id("connect")).click();
        wait.until(ExpectedConditions.textToBe(By.id("connection"), "live"));
        // A declined order first, so the list and the counts show more than one outcome.
        String declined = place(wait, customer.customerId(), "15.00", "tok_declined");
        wait.until(ExpectedConditions.attributeToBe(row(declined), "data-status", "REJECTED"));
        String approved = place(wait, customer.customerId(), "42.00", "tok_ok");

        WebElement row = wait.until(ExpectedConditions.presenceOfElementLocated(row(approved)));
        wait.until(ExpectedConditions.attributeToBe(row, "data-status", "APPROVED"));
        assertThat(row.getAttribute("data-history")).as("the statuses the page showed, in order")
                .isEqualTo("PENDING APPROVED");
        wait.until(ExpectedConditions.not(ExpectedConditions.textToBe(By.id("count-APPROVED"), "–")));

        row.click();
        // Confirmation and capture come a moment after the approval; the page reads the timeline again for them.
        List<String> steps = wait.until(page -> {
            List<String> shown = page.findElements(By.cssSelector("#timeline-steps li")).stream()
                    .map(step -> step.getAttribute("data-step")).toList();
            return shown.size() >= 7 ? shown : null;
        });
        assertThat(steps).containsExactlyInAnyOrder("ORDER_ACCEPTED", "SAGA_STARTED", "CREDIT_RESERVED",
                "PAYMENT_AUTHORIZED", "SAGA_CLOSED", "CREDIT_CONFIRMED", "PAYMENT_CAPTURED");
        assertThat(steps.subList(0, 4)).containsExactly("ORDER_ACCEPTED", "SAGA_STARTED", "CREDIT_RESERVED",
                "PAYMENT_AUTHORIZED");
        assertThat(browser.findElement(By.id("timeline-title")).getText()).contains(approved);

        Path screenshot = Path.of("target", "dashboard.png");
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Fills and sends the place-order form; the order id the page reports. */
    private String place(WebDriverWait wait, String customerId, String amount, String paymentToken) {
        WebElement message = browser.findElement(By.id("message"));
        String before = message.getAttribute("data-order-id");
        clearAndType(By.id("customerId"), customerId);
        clearAndType(By.id("amount"), amount);
        new Select(browser.findElement(By.id("paymentToken"))).selectByValue(paymentToken);
        browser.findElement(By.id("place")).click();
        return wait.until(page -> {
            String orderId = message.getAttribute("data-order-id");
            return orderId != null && !orderId.equals(before) ? orderId : null;
        });
    }

    private void clearAndType(By field, String text) {
        WebElement input = browser.findElement(field);
        input.clear();
        input.sendKeys(text);
    }

    private static By row(String orderId) {
        return By.cssSelector("tr[data-order-id='" + orderId + "']");
    }
}
