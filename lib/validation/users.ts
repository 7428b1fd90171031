import { z } from "zod";
import { text } from "./common";

export const USERNAME_PATTERN = /^[a-zA-Z0-9]+(?:-[a-zA-Z0-9]+)*$/;

export const username = () =>
  text().min(1, "username is required").max(32, "must be at most 32 characters").regex(USERNAME_PATTERN, "must be alphanumeric with single dashes");
const email = () => text().pipe(z.email({ message: "must be a valid email address" })).transform((s) => s.toLowerCase());
const password = () => text().min(8, "must be at least 8 characters").max(256, "must be at most 256 characters");
const displayName = () => text().max(128, "must be at most 128 characters");

/** A refinement that runs on any object, even one whose fields failed (its own fields are then read with care). */
const isObjectPayload = (payload: { value: unknown }) => typeof payload.value === "object" && payload.value !== null;

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

/**
 * With a `password` the user can sign in at once; with `invite: true` instead they get a one-time
 * link (answered once, as `invite_url`) to choose their own.
 */
export const createUserRequest = newUser
  .extend({
    role: z.enum(["admin", "member"]).optional(),
    password: password().optional(),
    invite: z.boolean().optional(),
  })
  // Checked even when other fields are wrong, so one answer names every missing field.
  .refine((body) => !(body.invite && body.password !== undefined), { path: ["invite"], message: "give a password or invite: true, not both", when: isObjectPayload })
  .refine((body) => body.invite === true || body.password !== undefined, { path: ["password"], message: "password is required unless invite is true", when: isObjectPayload });

/** Coder's `PUT /users/{user}/roles`: the site roles; ours are one of owner/admin/member (none means member). */
export const updateUserRolesRequest = z.object({
  roles: z.array(z.enum(["owner", "admin", "member"]), { message: "must be an array of roles" }).max(1, "a user has exactly one role: owner, admin or member"),
});

/** Accepting an invite: the password the new user chooses. */
export const acceptInviteRequest = z.object({ password: password() });

/** Where a new API key is created: what it is for, and how long it lasts (default 30 days, at most a year). */
export const API_KEY_MIN_LIFETIME_S = 60 * 60;
export const API_KEY_MAX_LIFETIME_S = 365 * 24 * 60 * 60;
export const createApiKeyRequest = z.object({
  token_name: text()
    .trim()
    .min(1, "must not be blank")
    .max(64, "must be at most 64 characters")
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), "must not contain control characters")
    .optional(),
  lifetime_seconds: z
    .number({ message: "must be a number of seconds" })
    .int("must be a whole number of seconds")
    .min(API_KEY_MIN_LIFETIME_S, "must be at least 3600 (an hour)")
    .max(API_KEY_MAX_LIFETIME_S, `must be at most ${API_KEY_MAX_LIFETIME_S} (a year)`)
    .optional(),
});

/** `GET /users?role=&status=`: the filters the users list takes besides `q`. */
export const USER_STATUSES = ["active", "suspended", "invited"] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const loginRequest = z.object({
  email: text().max(320),
  password: text().max(256),
});

export type CreateFirstUserRequest = z.infer<typeof createFirstUserRequest>;
export type CreateUserRequest = z.infer<typeof createUserRequest>;
export type LoginRequest = z.infer<typeof loginRequest>;
export type CreateApiKeyRequest = z.infer<typeof createApiKeyRequest>;
