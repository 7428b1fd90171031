// Outside Next.js, `server-only` would throw on import; the CLI *is* the server side, so resolve it to nothing.
export async function resolve(specifier, context, next) {
  if (specifier === "server-only") return { url: "data:text/javascript,export {}", shortCircuit: true };
  return next(specifier, context);
}
