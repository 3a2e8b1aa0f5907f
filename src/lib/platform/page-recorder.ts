/**
 * The recorder the page uses for a step: the page's fetch, and failures told apart by the static
 * checks and a no-cors probe (network.ts). Part of the engine: the first view does not need it.
 */
import type { StepRef } from '../model/types'
import { Recorder, type FetchLike } from './recorder'
import { classifyFailure, makeNoCorsProbe } from './network'

export interface PageRecorderOptions {
  fetch: FetchLike
  step: StepRef
  pageOrigin: string
  pageUrl: string
  /** Runs once the request is on the wire. */
  onFetch?: () => void
}

export function pageRecorder(o: PageRecorderOptions): Recorder {
  const probe = makeNoCorsProbe(o.fetch)
  const { onFetch } = o
  const fetch: FetchLike = onFetch
    ? (input, init) => {
        const sent = o.fetch(input, init)
        onFetch()
        return sent
      }
    : o.fetch
  return new Recorder({
    fetch,
    step: o.step,
    pageOrigin: o.pageOrigin,
    classify: (url, init) => classifyFailure(url, init, o.pageUrl, probe),
  })
}
