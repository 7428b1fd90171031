/** The API's `q` for my tasks waiting for input (the tab title's count); the list's "Waiting for input" tab asks the same. */
export const MY_WAITING_TASKS_QUERY = "owner:me status:active state:idle";

/** The tab title with the count of tasks waiting in front: "(2) Tasks · Taskyard"; without a count, as the page set it. */
export function titleWithCount(title: string, count: number): string {
  const bare = title.replace(/^\(\d+\+?\) /, "");
  return count > 0 ? `(${count > 99 ? "99+" : count}) ${bare}` : bare;
}
