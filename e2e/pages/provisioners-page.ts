import type { Locator, Page } from "@playwright/test";

/** `/settings/provisioners`: the registered provisioners and the owner's provisioner keys. */
export class ProvisionersPage {
  constructor(readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { level: 1, name: "Provisioners" });
  readonly provisioners = () => this.page.getByRole("list", { name: "Provisioners" }).getByTestId("provisioner");
  readonly keys = () => this.page.getByRole("list", { name: "Provisioner keys" }).getByTestId("provisioner-key");
  readonly form = () => this.page.getByRole("form", { name: "Create a provisioner key" });
  readonly nameField = () => this.form().getByLabel("Name");
  readonly tagsField = () => this.form().getByLabel("Tags (optional)");
  readonly createButton = () => this.form().getByRole("button", { name: "Create key" });
  readonly keyNotice = () => this.page.getByRole("region", { name: "New provisioner key" });
  readonly shownKey = () => this.keyNotice().getByTestId("shown-once");

  async goto() {
    await this.page.goto("/settings/provisioners");
  }

  provisioner(host: string): Locator {
    return this.provisioners().filter({ has: this.page.getByText(host, { exact: true }) });
  }

  key(name: string): Locator {
    return this.keys().filter({ has: this.page.getByText(name, { exact: true }) });
  }
}
