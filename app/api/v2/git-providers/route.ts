import { withAuth } from "@/lib/api/handler";
import { json } from "@/lib/api/respond";
import { createGitProvider, listProviders, toGitProviderResponse } from "@/lib/git-credentials/providers";
import { createGitProviderRequest } from "@/lib/validation/git-credentials";

// GET /api/v2/git-providers — the configured forges (everyone: the hosts a git credential may be for)
export const GET = withAuth({}, async ({ db }) => json((await listProviders(db)).map(toGitProviderResponse)));

// POST /api/v2/git-providers — configure a forge (owner only: its api_url is the one place the server calls)
export const POST = withAuth({ roles: ["owner"], body: createGitProviderRequest }, async ({ db, body }) => json(toGitProviderResponse(await createGitProvider(db, body)), 201));
