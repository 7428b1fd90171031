import { readiness } from "@/lib/api/readiness";

// GET /readyz — readiness (the database answers); /healthz is liveness
export const GET = readiness;
