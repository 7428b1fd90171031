import { renderTags, type ProvisionerTags } from "../validation/provisioners";

/** What a task's state says while its start waits for a provisioner with the tags its template requires. */
export function waitingMessage(required: ProvisionerTags): string {
  const tags = renderTags(required);
  return tags ? `waiting for a provisioner with ${tags}` : "waiting for a provisioner";
}
