import type { Page } from "@playwright/test";

/** Settings → Users. */
export class UsersPage {
  constructor(readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Users", exact: true });
  readonly form = () => this.page.getByRole("form", { name: "Create a user" });
  readonly field = (label: string) => this.form().getByLabel(label, { exact: true });
  readonly createButton = () => this.form().getByRole("button", { name: "Create user" });
  readonly inviteLink = () => this.page.getByRole("region", { name: "Invite link" }).getByTestId("shown-once");
  readonly doneWithLink = () => this.page.getByRole("region", { name: "Invite link" }).getByRole("button", { name: "Done" });
  readonly row = (username: string) => this.page.locator(`[data-testid="user-row"][data-username="${username}"]`);
  readonly status = (username: string) => this.row(username).getByTestId("user-status");
  readonly roleSelect = (username: string) => this.page.getByRole("combobox", { name: `Role of ${username}` });
  readonly suspendButton = (username: string) => this.page.getByRole("button", { name: `Suspend ${username}` });
  readonly reactivateButton = (username: string) => this.page.getByRole("button", { name: `Reactivate ${username}` });
  readonly confirmDialog = () => this.page.getByRole("dialog");
  readonly search = () => this.page.getByRole("searchbox", { name: "Search users" });

  async goto() {
    await this.page.goto("/settings/users");
  }
}
