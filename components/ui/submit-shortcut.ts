import type { KeyboardEvent } from "react";

/** Ctrl/⌘ + Enter in a text box submits (plain Enter is a new line), as the forms' hint says. */
export function submitOnCtrlEnter(e: KeyboardEvent<HTMLTextAreaElement>, submit: () => void) {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    submit();
  }
}
