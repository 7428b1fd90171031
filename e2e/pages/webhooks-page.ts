import type { Locator, Page } from "@playwright/test";

/** `/settings/webhooks`: my endpoints, each with actions and a delivery log, and the add form. */
export class WebhooksPage {
  constructor(readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { level: 1, name: "Webhooks" });
  readonly list = () => this.page.getByRole("list", { name: "Webhooks" });
  readonly emptyState = () => this.page.getByText("No webhooks yet");
  readonly form = () => this.page.getByRole("form", { name: "Add a webhook" });
  readonly urlField = () => this.form().getByLabel("Endpoint URL");
  readonly formatField = () => this.form().getByLabel("Format");
  readonly eventBox = (event: string) => this.form().getByRole("checkbox", { name: new RegExp(`^${event.replace(".", "\\.")}\\b`) });
  readonly addButton = () => this.form().getByRole("button", { name: "Add webhook" });
  readonly secretNotice = () => this.page.getByRole("region", { name: "New signing secret" });
  readonly secret = () => this.secretNotice().getByTestId("shown-once");
  readonly copySecret = () => this.secretNotice().getByRole("button", { name: "Copy secret" });
  readonly doneWithSecret = () => this.secretNotice().getByRole("button", { name: "Done" });

  async goto() {
    await this.page.goto("/settings/webhooks");
  }

  /** The endpoint posting to `url`. */
  endpoint(url: string): Locator {
    return this.list().getByTestId("webhook").filter({ has: this.page.getByText(url, { exact: true }) });
  }

  deliveries(url: string): Locator {
    return this.page.getByRole("region", { name: `Delivery log for ${url}` }).getByTestId("webhook-delivery");
  }
}
