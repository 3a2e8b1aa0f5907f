/**
 * The protocol and crypto code (src/lib/flow/engine.ts), loaded on first use so that the first view
 * carries none of it.
 */
export type Engine = typeof import('../lib/flow/engine')

/**
 * The protocol code could not be fetched (network, or a page older than the deployed files). Thrown
 * by loadEngine(); main.ts turns one that nobody caught into the alert (FlowSession.engineLoadFailed).
 */
export class EngineLoadError extends Error {
  constructor(cause: unknown) {
    super('The protocol code could not be loaded', { cause })
    this.name = 'EngineLoadError'
  }
}

let enginePromise: Promise<Engine> | undefined
let loaded: Engine | undefined

/** The engine if it has loaded already (every step outcome comes from it), else undefined. */
export function engineIfLoaded(): Engine | undefined {
  return loaded
}
/** The protocol and crypto code, loaded on first use (keeps the first view small). */
export function loadEngine(): Promise<Engine> {
  // A failed load is not remembered: the next call tries again.
  enginePromise ??= import('../lib/flow/engine').then(
    (e) => (loaded = e),
    (err: unknown) => {
      enginePromise = undefined
      throw new EngineLoadError(err)
    },
  )
  return enginePromise
}
