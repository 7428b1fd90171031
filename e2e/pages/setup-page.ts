import type { Page } from "@playwright/test";

export class SetupPage {
  constructor(readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Create the first account" });

  async createOwner({ email, username, password, name }: { email: string; username?: string; password: string; name?: string }) {
    await this.page.getByLabel("Email").fill(email);
    if (username) await this.page.getByLabel("Username").fill(username);
    if (name) await this.page.getByLabel("Name (optional)").fill(name);
    await this.page.getByLabel("Password").fill(password);
    await this.page.getByRole("button", { name: "Create account" }).click();
  }
}
