/** A webhook's secret opens only on its own endpoint's row (lib/git-credentials/secret-box.ts's `aad`). */
export const webhookSecretAad = (endpointId: string) => `webhook-endpoint:${endpointId}`;
