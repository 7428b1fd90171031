import type { Locator, Page } from "@playwright/test";

/** `/settings/templates`: the list (each with edit, versions, archive) and the new-template form. */
export class TemplatesPage {
  constructor(readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { level: 1, name: "Templates" });
  readonly list = () => this.page.getByRole("list", { name: "Templates" });
  readonly form = () => this.page.getByRole("form", { name: "New template" });
  readonly field = (label: string) => this.form().getByLabel(label, { exact: true });
  readonly createButton = () => this.form().getByRole("button", { name: "Create template" });

  async goto() {
    await this.page.goto("/settings/templates");
  }

  /** The row of the template shown as `displayName`. */
  row(displayName: string): Locator {
    return this.list().getByRole("listitem", { name: displayName, exact: true });
  }

  editor(displayName: string): Locator {
    return this.page.getByRole("form", { name: `Edit ${displayName}` });
  }

  versions(displayName: string): Locator {
    return this.page.getByRole("list", { name: `Versions of ${displayName}` }).getByTestId("template-version");
  }
}
