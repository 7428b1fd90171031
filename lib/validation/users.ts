import { z } from "zod";
import { text } from "./common";

export const USERNAME_PATTERN = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;

export const username = () =>
  text().min(1, "username is required").max(32, "must be at most 32 characters").regex(USERNAME_PATTERN, "must be alphanumeric with single dashes");
const email = () => text().pipe(z.email({ message: "must be a valid email address" })).transform((s) => s.toLowerCase());
const password = () => text().min(8, "must be at least 8 characters").max(256, "must be at most 256 characters");
const displayName = () => text().max(128, "must be at most 128 characters");

const newUser = z.object({
  email: email(),
  username: username(),
  name: displayName().optional(),
  password: password(),
});

export const createFirstUserRequest = newUser.extend({
  /** The code `npm start` prints when the server can be reached from other machines. */
  setup_code: text().max(128, "must be at most 128 characters").optional(),
});

export const createUserRequest = newUser.extend({
  role: z.enum(["admin", "member"]).optional(),
});

export const loginRequest = z.object({
  email: text().max(320),
  password: text().max(256),
});

export type CreateFirstUserRequest = z.infer<typeof createFirstUserRequest>;
export type CreateUserRequest = z.infer<typeof createUserRequest>;
export type LoginRequest = z.infer<typeof loginRequest>;
