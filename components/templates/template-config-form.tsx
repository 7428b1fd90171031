"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { InlineError } from "@/components/ui/error-state";
import { inputClass, labelClass } from "@/components/ui/field-styles";
import type { TemplateConfigInput } from "@/lib/sdk/client";

export const NEW_TEMPLATE_CONFIG = { agent: { kind: "echo" } };

/** Secrets as the form edits them: the base version's names (values never come back) and the changes to send. */
type SecretChanges = Record<string, string | null>;

/**
 * A template's config as JSON, with its secrets edited apart: the base version's secrets are shown
 * by name only ("set"), each can be replaced or removed, and new ones added. What is sent is the
 * JSON plus `secrets` holding only the changes; names not touched are kept by the server.
 */
export function TemplateConfigFields({
  initial,
  secretNames,
  onChange,
}: {
  initial: object;
  secretNames: string[];
  onChange: (value: { text: string; secrets: SecretChanges }) => void;
}) {
  const [text, setText] = useState(() => JSON.stringify(initial, null, 2));
  const [secrets, setSecrets] = useState<SecretChanges>({});
  const [replacing, setReplacing] = useState<string | null>(null);
  const [newName, setNewName] = useState("");
  const [newValue, setNewValue] = useState("");
  const ids = { config: useId(), help: useId(), newName: useId(), newValue: useId(), replace: useId() };

  const update = (next: { text?: string; secrets?: SecretChanges }) => {
    const value = { text: next.text ?? text, secrets: next.secrets ?? secrets };
    if (next.text !== undefined) setText(next.text);
    if (next.secrets) setSecrets(next.secrets);
    onChange(value);
  };
  const setSecret = (name: string, value: string | null | undefined) => {
    const next = { ...secrets };
    if (value === undefined) delete next[name];
    else next[name] = value;
    update({ secrets: next });
  };
  const added = Object.keys(secrets).filter((name) => !secretNames.includes(name));

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-col gap-1">
        <label htmlFor={ids.config} className={labelClass}>
          Config (JSON)
        </label>
        <p id={ids.help} className="text-xs text-zinc-500 dark:text-zinc-400">
          <code>agent.kind</code> is echo, claude-code, acp or agentapi (the last two with <code>agent.command</code>); also <code>models</code>, <code>setup_script</code>,{" "}
          <code>setup_timeout_s</code>, <code>env</code> (NAME: value), <code>server_env</code>, <code>mcp_servers</code>, <code>budget</code>, <code>auto_pause_after_idle</code>,{" "}
          <code>sandbox</code>. Secrets go below.
        </p>
        <textarea
          id={ids.config}
          aria-describedby={ids.help}
          spellCheck={false}
          rows={12}
          className={`${inputClass} font-mono text-xs`}
          value={text}
          onChange={(e) => update({ text: e.target.value })}
        />
      </div>

      <fieldset className="flex flex-col gap-2">
        <legend className={labelClass}>Secrets</legend>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">Write-only: stored encrypted, given to the agent and setup script as environment variables, never shown again.</p>
        {secretNames.length === 0 && added.length === 0 && <p className="text-sm text-zinc-500 dark:text-zinc-400">No secrets.</p>}
        <ul aria-label="Secrets" className="flex flex-col gap-1.5">
          {secretNames.map((name) => (
            <li key={name} data-testid="template-secret" className="flex flex-wrap items-center gap-2 text-sm">
              <code className="font-mono text-xs">{name}</code>
              <span className="text-xs text-zinc-500 dark:text-zinc-400">{secrets[name] === null ? "will be removed" : name in secrets ? "will be replaced" : "set"}</span>
              {replacing === name ? (
                <>
                  <label htmlFor={ids.replace} className="sr-only">
                    New value for {name}
                  </label>
                  <input id={ids.replace} type="password" autoComplete="off" className={`${inputClass} h-8 w-56`} onChange={(e) => setSecret(name, e.target.value)} autoFocus />
                  <Button size="sm" variant="ghost" onClick={() => setReplacing(null)}>
                    Done
                  </Button>
                </>
              ) : secrets[name] === null ? (
                <Button size="sm" variant="ghost" onClick={() => setSecret(name, undefined)}>
                  Keep {name}
                </Button>
              ) : (
                <>
                  <Button size="sm" variant="ghost" onClick={() => setReplacing(name)}>
                    Replace {name}
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => setSecret(name, null)}>
                    Remove {name}
                  </Button>
                </>
              )}
            </li>
          ))}
          {added.map((name) => (
            <li key={name} data-testid="template-secret" className="flex items-center gap-2 text-sm">
              <code className="font-mono text-xs">{name}</code>
              <span className="text-xs text-zinc-500 dark:text-zinc-400">new</span>
              <Button size="sm" variant="ghost" onClick={() => setSecret(name, undefined)}>
                Remove {name}
              </Button>
            </li>
          ))}
        </ul>
        <div className="flex flex-wrap items-end gap-2">
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.newName} className={labelClass}>
              Secret name
            </label>
            <input id={ids.newName} className={`${inputClass} h-8 w-48 font-mono text-xs`} placeholder="NPM_TOKEN" value={newName} onChange={(e) => setNewName(e.target.value.toUpperCase())} />
          </div>
          <div className="flex flex-col gap-1">
            <label htmlFor={ids.newValue} className={labelClass}>
              Secret value
            </label>
            <input id={ids.newValue} type="password" autoComplete="off" className={`${inputClass} h-8 w-56`} value={newValue} onChange={(e) => setNewValue(e.target.value)} />
          </div>
          <Button
            size="sm"
            disabled={!newName.trim() || !newValue}
            onClick={() => {
              setSecret(newName.trim(), newValue);
              setNewName("");
              setNewValue("");
            }}
          >
            Add secret
          </Button>
        </div>
      </fieldset>
    </div>
  );
}

/** The config to send, or why it cannot be: the JSON must be an object; secret changes are merged into its `secrets`. */
export function composeConfig(value: { text: string; secrets: SecretChanges }): { config: TemplateConfigInput } | { error: Error } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.text);
  } catch (error) {
    return { error: new Error(`The config is not valid JSON: ${(error as Error).message}`) };
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return { error: new Error("The config must be a JSON object, such as {\"agent\": {\"kind\": \"echo\"}}.") };
  const config = parsed as TemplateConfigInput;
  if (Object.keys(value.secrets).length === 0) return { config };
  return { config: { ...config, secrets: { ...(config.secrets ?? {}), ...value.secrets } } };
}

export function ConfigError({ error }: { error: unknown }) {
  return <InlineError error={error} />;
}
