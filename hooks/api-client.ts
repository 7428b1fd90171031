import { TaskyardClient } from "@/lib/sdk/client";

/** The dashboard's one SDK client: same origin, authenticated by the session cookie. */
export const api = new TaskyardClient();
