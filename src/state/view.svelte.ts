import { getContext, setContext } from 'svelte'
import type { StepId, StepStatus } from '../lib/model/types'

/**
 * How the page is shown, apart from the flow itself: Learn (one step in front, the rest collapsed to
 * a summary line) or Debug (everything expanded, dense), and the steps the user opened or closed by
 * hand. The mode persists across the redirect (sessionStorage) and a share link may name it
 * (`#…&mode=debug`). State and dispatch only: components decide nothing.
 */
export type ViewMode = 'learn' | 'debug'

const STORAGE_KEY = 'pkce-playground:view-mode'
const isMode = (v: unknown): v is ViewMode => v === 'learn' || v === 'debug'

/** The actions that can be the page's one primary button. */
export type PrimaryAction = 'discover' | 'authorize' | 'exchange'

/** What the view needs to know about the flow to choose which steps are open. */
export interface FlowPosition {
  current: StepId
  status(step: StepId): StepStatus
  activeSteps(): StepId[]
}

function readStored(storage: Pick<Storage, 'getItem'> | undefined): string | null {
  try {
    return storage?.getItem(STORAGE_KEY) ?? null
  } catch {
    return null
  }
}

export class ViewState {
  mode = $state<ViewMode>('learn')
  /** "Expand all": every step open, whatever the mode. */
  expandAll = $state(false)
  /** Steps opened (true) or closed (false) by hand; they win over the automatic choice. */
  #byHand = $state<Partial<Record<StepId, boolean>>>({})
  readonly #storage: Pick<Storage, 'getItem' | 'setItem'> | undefined

  constructor(opts: { hash?: string; storage?: Pick<Storage, 'getItem' | 'setItem'> } = {}) {
    this.#storage = opts.storage
    const fromLink = new URLSearchParams((opts.hash ?? '').replace(/^#/, '')).get('mode')
    const stored = readStored(opts.storage)
    const initial = isMode(fromLink) ? fromLink : isMode(stored) ? stored : 'learn'
    this.mode = initial
    if (isMode(fromLink)) this.#persist()
  }

  #persist() {
    try {
      this.#storage?.setItem(STORAGE_KEY, this.mode)
    } catch {
      // Storage full or disabled: the mode then lasts as long as the page.
    }
  }

  setMode(mode: ViewMode) {
    this.mode = mode
    this.#byHand = {}
    this.expandAll = false
    this.#persist()
  }

  /** The step the user should act on next: the first active step that has not run. */
  next(flow: FlowPosition): StepId | undefined {
    return flow.activeSteps().find((id) => flow.status(id) === 'pending')
  }

  /**
   * The one action to show as the primary button: Discover until the authorization request is
   * built, then Start authorization until the server sent the browser back, then Exchange code
   * until the token request ran; nothing after that.
   */
  primary(flow: FlowPosition): PrimaryAction | undefined {
    const next = this.next(flow)
    if (!next) return undefined
    if (next === 'callback') return 'authorize'
    if (next === 'token') return 'exchange'
    const ids = flow.activeSteps()
    return ids.indexOf(next) < ids.indexOf('callback') ? 'discover' : undefined
  }

  /** The first step after the current one that has not run: where the next button is. */
  nextAfterCurrent(flow: FlowPosition): StepId | undefined {
    const ids = flow.activeSteps()
    return ids.slice(ids.indexOf(flow.current) + 1).find((id) => flow.status(id) === 'pending')
  }

  /**
   * Whether `step` shows its whole panel. Debug: always, unless closed by hand. Learn: the step being
   * worked on, the one after it that holds the next button (Configure → Discover), and a step that
   * failed; the others show their summary line.
   */
  isOpen(step: StepId, flow: FlowPosition): boolean {
    if (this.expandAll) return true
    const hand = this.#byHand[step]
    if (hand !== undefined) return hand
    if (this.mode === 'debug') return true
    const status = flow.status(step)
    return step === flow.current || step === this.nextAfterCurrent(flow) || status === 'error' || status === 'running'
  }

  toggle(step: StepId, flow: FlowPosition) {
    this.#byHand = { ...this.#byHand, [step]: !this.isOpen(step, flow) }
  }

  open(step: StepId) {
    this.#byHand = { ...this.#byHand, [step]: true }
  }

  /** The share link with the mode added (the flow's own keys are untouched). */
  withMode(link: string): string {
    return `${link}${link.includes('#') ? '&' : '#'}mode=${this.mode}`
  }
}

const KEY = Symbol('view-state')

export function setView(view: ViewState): ViewState {
  return setContext(KEY, view)
}

export function getView(): ViewState {
  const v = getContext<ViewState | undefined>(KEY)
  if (!v) throw new Error('ViewState context missing')
  return v
}
