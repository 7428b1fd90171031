import { expect, type Locator, type Page } from "@playwright/test";

/** `/tasks/[owner]/[task]`: header, prompt, log panel, send box and stage timeline. */
export class TaskPage {
  constructor(readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { level: 1 });
  readonly status = () => this.page.getByTestId("task-status");
  readonly promptText = () => this.page.getByTestId("task-prompt");
  readonly editPrompt = () => this.page.getByRole("button", { name: "Edit prompt" });
  readonly copyPrompt = () => this.page.getByRole("button", { name: "Copy prompt" });
  readonly promptEditor = () => this.page.getByRole("region", { name: "Prompt" }).getByRole("textbox", { name: "Prompt" });
  readonly savePrompt = () => this.page.getByRole("button", { name: "Save" });
  readonly log = () => this.page.getByRole("log", { name: "Conversation log" });
  readonly logSource = () => this.page.getByTestId("log-source");
  readonly entries = () => this.log().getByTestId("log-entry");
  readonly messageBox = () => this.page.getByRole("textbox", { name: "Message to the agent" });
  readonly sendButton = () => this.page.getByRole("button", { name: "Send", exact: true });
  /** Messages sent while the agent works, waiting for it (removable until delivered). */
  readonly queuedInputs = () => this.page.getByRole("region", { name: "Queued messages" }).getByTestId("queued-input");
  readonly removeQueued = (text: string) => this.page.getByRole("button", { name: `Remove queued message: ${text.slice(0, 40)}` });
  readonly pauseButton = () => this.page.getByRole("button", { name: /^Paus(e|ing…)$/ });
  readonly resumeButton = () => this.page.getByRole("button", { name: /^Resum(e|ing…)$/ });
  readonly deleteButton = () => this.page.getByRole("button", { name: "Delete…" });
  readonly stopButton = () => this.page.getByRole("button", { name: /^Stop(ping…)?$/ });
  readonly timeline = () => this.page.getByRole("region", { name: "Stages" });
  /** One row of the stage timeline (`data-state`: done, current, failed, upcoming). */
  readonly stage = (label: string | RegExp) => this.timeline().getByTestId("stage").filter({ hasText: label });
  /** The "Setting up" card: the setup script's output, foldable by its header button. */
  readonly setupLog = () => this.page.getByTestId("setup-log");
  readonly setupToggle = () => this.setupLog().getByRole("button", { name: /Setting up/ });
  readonly setupOutput = () => this.page.getByRole("log", { name: "Setup script output" });
  readonly tab = (name: "Conversation" | "Changes") => this.page.getByRole("tab", { name: new RegExp(`^${name}`) });
  readonly changes = () => this.page.getByRole("region", { name: "Changes", exact: true });
  readonly changesSource = () => this.changes().getByTestId("changes-source");
  readonly changedFiles = () => this.changes().getByRole("navigation", { name: "Changed files" }).getByTestId("changed-file");
  readonly copyPatch = () => this.page.getByRole("button", { name: "Copy patch" });
  readonly downloadPatch = () => this.changes().getByRole("button", { name: "Download patch" });
  readonly commits = () => this.changes().getByRole("region", { name: "Commits" }).getByTestId("commit");
  readonly refreshChanges = () => this.changes().getByRole("button", { name: "Refresh" });
  readonly pushButton = () => this.changes().getByRole("button", { name: /^Push(ing…)?$/ });
  readonly pushResult = () => this.changes().getByTestId("push-result");
  readonly unpushedSummary = () => this.changes().getByTestId("unpushed-summary");
  readonly openPullRequestForm = () => this.changes().getByRole("button", { name: "Create pull request…" });
  readonly pullRequestForm = () => this.changes().getByRole("form", { name: "Create a pull request" });
  readonly pullRequestLink = () => this.changes().getByTestId("pull-request-link");

  /**
   * Clicks `button` and resolves to whether it showed progress (`aria-busy`) at any moment after:
   * recorded as it happens, so a pause that is over within a few milliseconds is not missed.
   */
  async clickAndRecordBusy(button: Locator): Promise<() => Promise<boolean>> {
    await button.evaluate((el) => {
      const w = window as unknown as { sawBusy?: boolean };
      w.sawBusy = false;
      // The header's buttons: React may swap the element, so watch their parent and its subtree.
      new MutationObserver(() => (w.sawBusy ||= !!el.parentElement?.querySelector('[aria-busy="true"]'))).observe(el.parentElement!, {
        subtree: true,
        attributes: true,
        attributeFilter: ["aria-busy"],
      });
    });
    await button.click();
    return () => this.page.evaluate(() => (window as unknown as { sawBusy?: boolean }).sawBusy === true);
  }

  async goto(owner: string, task: string) {
    await this.page.goto(`/tasks/${encodeURIComponent(owner)}/${encodeURIComponent(task)}`);
  }

  entry(text: string | RegExp): Locator {
    return this.entries().filter({ hasText: text });
  }

  async expectLive() {
    await expect(this.logSource()).toHaveText("Live");
  }

  async expectSnapshot() {
    await expect(this.logSource()).toHaveText(/^Snapshot · captured /);
  }

  /** A file's diff in the Changes tab; its header button folds it. */
  diffFile(path: string): Locator {
    return this.changes().locator(`[data-testid="diff-file"][data-path="${path}"]`);
  }

  diffFileHeader(path: string): Locator {
    return this.diffFile(path).getByRole("button", { name: path });
  }

  async send(text: string) {
    await expect(this.messageBox()).toBeEnabled();
    await this.messageBox().fill(text);
    await expect(this.sendButton()).toBeEnabled();
    await this.sendButton().click();
    await expect(this.messageBox()).toHaveValue("");
  }

  async deleteTask() {
    await this.deleteButton().click();
    const dialog = this.page.getByRole("dialog", { name: "Delete this task?" });
    await expect(dialog).toBeVisible();
    await dialog.getByRole("button", { name: "Delete task" }).click();
  }
}
