export { DELETE } from "@/app/api/v2/tasks/[user]/[task]/inputs/[id]/route";
