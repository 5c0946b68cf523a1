// The live bench's load phases: CPU of the gateway + its ffmpeg for N WebSocket-viewed streams against raw ffmpeg, and many plain WebSocket viewers.
export async function measureCpu(_log: (l: string) => void, _o: { streams: number; windowS: number }): Promise<void> {
  throw new Error('pending');
}
export async function measureViewers(
  _log: (l: string) => void,
  _o: { viewers: number; cameras: number; holdS: number },
): Promise<void> {
  throw new Error('pending');
}
