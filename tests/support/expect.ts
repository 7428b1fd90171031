import { expect } from "vitest";

export const NOT_FOUND = "Resource not found or you do not have access to this resource";

type Res = { status: number; body: any; text?: string };

/** Coder's error shape: `{message, detail?, validations?}` and nothing else. */
export function expectErrorShape(res: Res) {
  expect(res.body, `status ${res.status} body ${res.text ?? ""}`).toBeTypeOf("object");
  expect(res.body).not.toBeNull();
  expect(typeof res.body.message).toBe("string");
  expect(res.body.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(res.body)) expect(["message", "detail", "validations"]).toContain(key);
  if (res.body.detail !== undefined) expect(typeof res.body.detail).toBe("string");
  if (res.body.validations !== undefined) {
    expect(Array.isArray(res.body.validations)).toBe(true);
    for (const v of res.body.validations) {
      expect(typeof v.field).toBe("string");
      expect(typeof v.detail).toBe("string");
    }
  }
}

export function expectError(res: Res, status: number, message?: string | RegExp) {
  expect(res.status, `body: ${res.text ?? JSON.stringify(res.body)}`).toBe(status);
  expectErrorShape(res);
  if (typeof message === "string") expect(res.body.message).toBe(message);
  else if (message) expect(res.body.message).toMatch(message);
}

export function expectNotFound(res: Res) {
  expectError(res, 404, NOT_FOUND);
}

/** A 400 whose `validations` name `field` (the field at fault). */
export function expectValidation(res: Res, field: string, status = 400) {
  expectError(res, status);
  expect(res.body.validations, `validations in ${JSON.stringify(res.body)}`).toBeDefined();
  expect(res.body.validations.map((v: { field: string }) => v.field)).toContain(field);
}

/** Any client error in the API's shape — never a 5xx. */
export function expectClientError(res: Res) {
  expect(res.status, `body: ${res.text ?? JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `body: ${res.text ?? JSON.stringify(res.body)}`).toBeLessThan(500);
  expectErrorShape(res);
}
