/**
 * What the share link this page was opened with set that decides where secrets go (endpoints, a
 * foreign redirect URI, a resource), and what the user decided about it. The flow driver asks it
 * before anything is sent ({@link LinkTrust.blocked}); the link notice renders it.
 */
import type { FlowConfig, LinkRecord, LinkSetting } from '../lib/model/types'
import { originOf, pendingLinkEndpoints } from '../lib/protocol/config'

export class LinkTrust {
  /** Everything the link set that the user must see. */
  review = $state.raw<LinkSetting[]>([])
  /** The user confirmed the endpoints the link set ("Use these endpoints"). */
  confirmed = $state(false)
  /** The server the link named (its issuer or MCP server URL), or ''. */
  named = $state('')
  /** The user agreed to a link-named server that has the login and the code on two origins (flow/link-split.ts). */
  splitConfirmed = $state(false)
  /** Link endpoints still waiting for that confirmation: nothing is sent while there are any. */
  pending: LinkSetting[]
  #confirmedResourceOrigins = new Set<string>()

  /** @param config The live Configure form (an endpoint typed over is the user's own choice). */
  constructor(config: () => FlowConfig) {
    this.pending = $derived(pendingLinkEndpoints(this.review, config(), this.confirmed))
  }

  /** The plain-JSON record that travels with the flow across the redirect. */
  get record(): LinkRecord | undefined {
    if (!this.review.length && !this.named) return undefined
    const { review: settings, confirmed, named, splitConfirmed } = this
    return { settings, confirmed, named, splitConfirmed }
  }

  restore(record: LinkRecord | undefined) {
    this.review = record?.settings ?? []
    this.confirmed = record?.confirmed ?? false
    this.named = record?.named ?? ''
    this.splitConfirmed = !!record?.splitConfirmed
  }

  confirm() {
    this.confirmed = true
  }

  /** Clears the endpoints the link set from the form (discovery decides) and forgets them. */
  drop(form: FlowConfig) {
    for (const s of this.pending) {
      if (s.field === 'authorization_endpoint' || s.field === 'token_endpoint' || s.field === 'jwks_uri')
        form[s.field] = ''
    }
    this.review = this.review.filter((s) => s.handling !== 'confirm')
  }

  /** Why nothing may be sent yet (the link's endpoints wait for a confirmation), or undefined. */
  blocked(): string | undefined {
    if (!this.pending.length) return undefined
    const names = this.pending.map((s) => `${s.field} (${s.origin})`).join(', ')
    return `Nothing was sent: the link you opened sets ${names}. Check them in the notice at the top of the page, then use them or remove them.`
  }

  /**
   * Does sending the access token to `url` need a confirmation first? Only for a URL on the origin of
   * the resource the link chose (whatever path or query the user added: the origin receives the
   * token), until the user confirmed that origin; `confirmed` records it. Never for the origin of the
   * issuer that issued the token (`issuer`): it has the token already.
   */
  needsResourceConfirmation(url: string, confirmed: boolean, issuer = ''): boolean {
    const fromLink = this.review.find((s) => s.field === 'resource')
    const origin = originOf(url.trim())
    if (
      !fromLink ||
      origin !== originOf(fromLink.value.trim()) ||
      (issuer && origin === originOf(issuer)) ||
      this.#confirmedResourceOrigins.has(origin)
    )
      return false
    if (!confirmed) return true
    this.#confirmedResourceOrigins.add(origin)
    return false
  }
}
