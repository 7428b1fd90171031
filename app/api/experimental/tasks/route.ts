export { GET } from "@/app/api/v2/tasks/route";
