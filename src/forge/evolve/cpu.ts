/** CPU time of this process so far (all threads), ms: the phases' CPU figures (evolve --json). */
export function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
