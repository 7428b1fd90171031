export { GET } from "@/app/api/v2/tasks/[user]/[task]/setup-log/route";
