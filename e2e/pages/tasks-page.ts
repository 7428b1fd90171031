import { expect, type Locator, type Page } from "@playwright/test";

/** `/tasks`: the prompt box, tabs, filters and the task list. */
export class TasksPage {
  constructor(readonly page: Page) {}

  readonly prompt = () => this.page.getByRole("textbox", { name: "Prompt" });
  readonly templatePicker = () => this.page.getByRole("combobox", { name: "Template" });
  readonly presetPicker = () => this.page.getByRole("combobox", { name: "Preset" });
  readonly modelPicker = () => this.page.getByRole("combobox", { name: "Model" });
  readonly createButton = () => this.page.getByRole("button", { name: "Create task" });
  readonly repositoryToggle = () => this.page.getByRole("button", { name: "Repository", exact: true });
  readonly repositoryField = () => this.page.getByLabel("Repository", { exact: true });
  readonly baseRefField = () => this.page.getByLabel("Base ref", { exact: true });
  readonly list = () => this.page.getByRole("list", { name: "Tasks" });
  readonly tab = (name: "All" | "Waiting for input") => this.page.getByRole("tab", { name: new RegExp(`^${name}`) });
  readonly statusFilter = () => this.page.getByRole("combobox", { name: "Status" });
  readonly ownerFilter = () => this.page.getByRole("combobox", { name: "Owner" });
  readonly search = () => this.page.getByRole("searchbox", { name: "Search tasks" });
  readonly signOut = () => this.page.getByRole("button", { name: "Sign out" });

  async goto(query = "") {
    await this.page.goto(`/tasks${query}`);
  }

  /** The row of the task with this display name. */
  row(displayName: string): Locator {
    return this.list()
      .getByRole("listitem")
      .filter({ has: this.page.getByRole("link", { name: displayName, exact: true }) });
  }

  async chooseTemplate(displayName: string) {
    await expect(this.templatePicker()).toBeEnabled();
    await this.templatePicker().selectOption({ label: displayName });
  }

  /** Writes a prompt and submits it with Ctrl+Enter, as a keyboard user would. */
  async createTask(prompt: string, { template = "Echo agent", repository, baseRef }: { template?: string; repository?: string; baseRef?: string } = {}) {
    await this.chooseTemplate(template);
    if (repository !== undefined || baseRef !== undefined) {
      if ((await this.repositoryToggle().getAttribute("aria-expanded")) !== "true") await this.repositoryToggle().click();
      if (repository !== undefined) await this.repositoryField().fill(repository);
      if (baseRef !== undefined) await this.baseRefField().fill(baseRef);
    }
    await this.prompt().fill(prompt);
    await this.prompt().press("Control+Enter");
    await expect(this.prompt()).toHaveValue("");
  }
}
