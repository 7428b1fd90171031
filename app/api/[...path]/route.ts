import { ApiError } from "@/lib/api/errors";
import { respondWithError } from "@/lib/api/respond";

// Any /api path no route claims: a JSON 404 in the API's error shape, never Next's HTML page.
const notFound = async () => respondWithError(new ApiError(404, "Route not found."));
export { notFound as GET, notFound as POST, notFound as PUT, notFound as PATCH, notFound as DELETE };
