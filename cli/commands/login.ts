import { Command } from "commander";
import { cliEnv } from "../../lib/env";
import { TaskyardError } from "../../lib/sdk/client";
import { UsageError } from "../errors";
import { withExamples } from "../help";
import { withPrompter } from "../prompt";
import { clientFor, readSavedSession, saveSession } from "../session";
import { doing } from "../task-ref";

type Options = { token?: string; email?: string; password?: string };

/** Inside `login` a rejected credential is the answer itself, not a hint to run `login` again. */
const plainError = (error: unknown) => {
  throw error instanceof TaskyardError ? new Error(error.message) : error;
};

export function registerLogin(program: Command) {
  const command = program
    .command("login")
    .description("Sign in to a Taskyard server and save the session (0600, in your config directory)")
    .argument("[url]", "the server (default: $TASKYARD_URL, the saved one, or http://localhost:3000)")
    .option("--token <token>", "use this session token or API key instead of a password")
    .option("--email <email>", "your email (asked for when omitted)")
    .option("--password <password>", "your password (prefer the prompt, or a line on stdin: this one shows in `ps`)")
    .action(async (urlArg: string | undefined, opts: Options) => {
      const url = (urlArg ?? cliEnv().TASKYARD_URL ?? (await readSavedSession()).url ?? "http://localhost:3000").replace(/\/+$/, "");
      if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) throw new UsageError(`"${url}" is not an http(s) URL`);
      let token = opts.token;
      if (!token) {
        const { email, password } = await withPrompter(async (p) => ({
          email: opts.email ?? (await p.line("Email: ")).trim(),
          password: opts.password ?? (await p.secret("Password: ")),
        }));
        token = (await doing("log in", clientFor(url).login(email, password)).catch(plainError)).session_token;
      }
      const me = await doing("check the token", clientFor(url, token).me()).catch(plainError);
      const file = await saveSession({ url, token });
      console.log(`Welcome to Taskyard, ${me.username}! You are logged in to ${url} (session saved in ${file}).`);
    });
  withExamples(command, [
    ["Sign in with your email and password", "taskyard login https://taskyard.example.com"],
    ["Sign in with an API key", "taskyard login https://taskyard.example.com --token $KEY"],
    ["Sign in from a script, the password on stdin", 'printf "%s\\n%s\\n" "$EMAIL" "$PASSWORD" | taskyard login https://taskyard.example.com'],
  ]);
}
