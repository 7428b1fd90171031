/** What a workspace driver must do; `local` is the default, a container driver would fit the same shape. */
export interface WorkspaceDriver {
  /** Starts the agent for `agentId` with its one-time token; resolves once the process is spawned. */
  start(input: { workspaceId: string; agentId: string; agentToken: string }): Promise<{ pid: number; host: string }>;
  /** Asks the agent to shut down, waits, and kills it after the grace period. */
  stop(agent: { agentId: string; pid: number | null }): Promise<void>;
  /** Stops and removes the workspace. */
  remove(input: { workspaceId: string }): Promise<void>;
  /** Is this agent's process still running? */
  isAlive(agent: { agentId: string; pid: number | null }): boolean;
  /** Resolves with an exit description if the agent process ends (only for processes this driver spawned). */
  exited(agentId: string): Promise<string> | undefined;
  readonly host: string;
}
