import { Command } from "commander";
import { env } from "../../lib/env";
import { withExamples } from "../help";

/**
 * `taskyard secret-key rotate`: a new data-dir key; the previous one is kept until the next server
 * start has re-encrypted every stored git secret with the new key (lib/git-credentials/rotate.ts).
 */
export function registerSecretKey(program: Command) {
  const command = program.command("secret-key").description("The key git tokens are encrypted with at rest");
  const rotate = command
    .command("rotate")
    .description("Make a new data-dir secret key; the next server start re-encrypts every stored token with it, then deletes the old key")
    .action(async () => {
      if (env().TASKYARD_SECRET_KEY) {
        throw new Error("TASKYARD_SECRET_KEY is set: rotate by setting TASKYARD_SECRET_KEY_PREVIOUS to it and TASKYARD_SECRET_KEY to a new key (openssl rand -base64 32), restarting, then unsetting TASKYARD_SECRET_KEY_PREVIOUS");
      }
      const { rotateDataDirSecretKey } = await import("../../lib/git-credentials/rotate");
      const { file } = rotateDataDirSecretKey();
      console.log(`New secret key in ${file}; restart the server: it re-encrypts every stored token with it and then deletes secret-key.previous.`);
    });
  withExamples(rotate, [["Rotate (then restart the server)", "taskyard secret-key rotate"]]);
}
