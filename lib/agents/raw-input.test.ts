import { expect, it } from "vitest";
import { readRawInput } from "./raw-input";

it("reads AgentAPI raw input as its acp transport does: ESC stops, keys alone are nothing, text is a prompt", () => {
  expect(readRawInput("\u001b")).toEqual({ kind: "interrupt" });
  expect(readRawInput("\u001b\u001b")).toEqual({ kind: "interrupt" });
  for (const key of ["\r", "\n", "\r\n", "", " ", "\u0003", "\u001b[A", "\u001bOP", "\t", "\u007f", "\u001b[200~\u001b[201~"]) {
    expect(readRawInput(key), JSON.stringify(key)).toEqual({ kind: "control" });
  }
  expect(readRawInput("hello\r")).toEqual({ kind: "text", text: "hello" });
  expect(readRawInput("\u001b[200~fix the bug\u001b[201~")).toEqual({ kind: "text", text: "fix the bug" });
  expect(readRawInput("\u001b[200~pasted\u001b[201~\r")).toEqual({ kind: "text", text: "pasted" });
  expect(readRawInput("x\bDo it")).toEqual({ kind: "text", text: "Do it" });
});
